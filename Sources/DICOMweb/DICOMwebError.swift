import DICOM
import Hummingbird
import StudyCatalog

/// A request the server answers with an error status and a one-line reason (never patient data).
struct DICOMwebError: Error, HTTPResponseError {
    let status: HTTPResponse.Status
    let reason: String

    static func badRequest(_ reason: String) -> DICOMwebError { DICOMwebError(status: .badRequest, reason: reason) }
    static func notFound(_ reason: String) -> DICOMwebError { DICOMwebError(status: .notFound, reason: reason) }
    static func notAcceptable(_ reason: String) -> DICOMwebError {
        DICOMwebError(status: .notAcceptable, reason: reason)
    }

    /// The catalog could not answer: 503, the client may try again.
    static func catalog(_ error: CatalogError) -> DICOMwebError {
        DICOMwebError(status: .serviceUnavailable, reason: "the catalog cannot answer: \(error.code)")
    }

    /// A stored file could not be read: 404 when it is not there any more, 406 when DCMTK cannot
    /// give what was asked, 500 otherwise.
    static func file(_ error: DICOMReadError) -> DICOMwebError {
        switch error.code {
        case .notFound: DICOMwebError(status: .notFound, reason: error.summary)
        case .unsupported: DICOMwebError(status: .notAcceptable, reason: error.summary)
        default:
            DICOMwebError(status: .internalServerError, reason: "a stored file cannot be read: \(error.code.rawValue)")
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(
            status: status, headers: [.contentType: "text/plain; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: reason + "\n")))
    }
}
