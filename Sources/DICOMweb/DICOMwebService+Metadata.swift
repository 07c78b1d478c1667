import DICOM
import Foundation
import Hummingbird
import StudyCatalog

#if canImport(Glibc)
    import Glibc
#endif

/// WADO-RS metadata of a study, a series or an instance: every attribute of each header in the
/// DICOM JSON model, read once per stored header and kept; bulk data as BulkDataURIs under the
/// instance's URL.
extension DICOMwebService {
    func retrieveMetadata(request: Request, context: DICOMwebRequestContext) async throws -> Response {
        try checkAcceptsJSON(request)
        let study = try context.parameters.require("study")
        let series = context.parameters.get("series")
        let instance = context.parameters.get("instance")
        let found = try await instances(study: study, series: series, instance: instance)
        try await audit("retrieve-metadata", study: study, context: context)
        let files = self.files
        // Headers not yet kept are read on both cores at once; kept ones are a file read each. The
        // first file (in the answer's order) that cannot be read fails the request.
        let objects = try await found.concurrentMap(width: 4) { stored in
            do {
                return Result<[UInt8], any Error>.success(try await Self.blocking { try files.metadata(stored) })
            } catch let error as DICOMReadError {
                return .failure(DICOMwebError.file(error))
            } catch {
                return .failure(error)
            }
        }.map { try $0.get() }
        let base = base(of: request)
        var body = ByteBuffer()
        body.writeString("[")
        for (index, stored) in found.enumerated() {
            if index > 0 { body.writeString(",") }
            let instanceURL =
                "\(base)/studies/\(stored.studyInstanceUID)/series/\(stored.seriesInstanceUID)/instances/\(stored.sopInstanceUID)/"
            Self.writeResolvingBulkData(objects[index], instanceURL: instanceURL, into: &body)
        }
        body.writeString("]")
        return Response(status: .ok, headers: [.contentType: "application/dicom+json"], body: .init(byteBuffer: body))
    }

    private static let bulkDataKey = Array("\"BulkDataURI\":\"".utf8)

    /// Copies a kept header into `body`, making its relative BulkDataURIs absolute. The key with its
    /// quotes can only be JSON structure: a quote inside a value is escaped.
    static func writeResolvingBulkData(_ json: [UInt8], instanceURL: String, into body: inout ByteBuffer) {
        json.withUnsafeBytes { bytes in
            bulkDataKey.withUnsafeBytes { key in
                var start = 0
                var position = 0
                // Each quote (found by memchr) is looked at as the start of the key.
                while position + key.count <= bytes.count,
                    let quote = memchr(bytes.baseAddress! + position, Int32(key[0]), bytes.count - position)
                {
                    position = UnsafeRawPointer(quote) - bytes.baseAddress!
                    guard position + key.count <= bytes.count else { break }
                    if memcmp(quote, key.baseAddress!, key.count) == 0 {
                        let end = position + key.count
                        body.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                        body.writeString(instanceURL)
                        start = end
                        position = end
                    } else {
                        position += 1
                    }
                }
                body.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[start...]))
            }
        }
    }
}
