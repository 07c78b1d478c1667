import DICOM
import Foundation
import HTTPTypes
import Hummingbird
import NIOPosix
import StudyCatalog

/// What every endpoint shares: the catalog it reads through, the stored files, the audit trail, and
/// the public base URL that RetrieveURLs and BulkDataURIs are built on.
struct DICOMwebService: Sendable {
    let catalog: any Catalog
    let files: StoredFiles
    let audit: AuditTrail
    /// `--base-url`; without it, built for each request (`base(of:)`).
    let baseURL: String?
    /// The port the server listens on, once it does.
    let listeningPort: ListeningPort
    static let root = "dicomweb"

    /// The public base URL RetrieveURLs and BulkDataURIs are built on: `--base-url` when given; else
    /// what a proxy says it forwarded (`X-Forwarded-Proto`, `X-Forwarded-Host`); else the Host the
    /// client asked for. A Host without a port (dicomweb-client sends one) names this server's port:
    /// a client that reached it without a proxy used it.
    func base(of request: Request) -> String {
        if let baseURL { return baseURL }
        let forwardedHost = request.headers[HTTPField.Name("X-Forwarded-Host")!]?.split(separator: ",").first
        let forwardedProto = request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.split(separator: ",").first
        let scheme = forwardedProto.map { $0.trimmingSpaces.lowercased() } ?? "http"
        if let forwardedHost {
            return "\(scheme)://\(forwardedHost.trimmingSpaces)/\(Self.root)"
        }
        var host = request.head.authority ?? "localhost"
        let hasPort = host.hasPrefix("[") ? host.contains("]:") : host.contains(":")
        if !hasPort, let port = listeningPort.value, port != 80 { host += ":\(port)" }
        return "\(scheme)://\(host)/\(Self.root)"
    }

    /// Audits an access to a study's data before it is served.
    func audit(_ action: String, study: String, context: DICOMwebRequestContext) async throws {
        do {
            try await audit.record(AccessEvent(at: Date(), actor: context.requester, action: action, subject: study))
        } catch let error as CatalogError {
            throw DICOMwebError.catalog(error)
        }
    }

    /// Runs DCMTK's (blocking) work on NIO's thread pool, off the threads that serve requests.
    static func blocking<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    /// The instances a retrieval names, each checked for UID syntax; 404 when there are none.
    func instances(study: String, series: String? = nil, instance: String? = nil) async throws -> [StoredInstance] {
        for uid in [study, series, instance].compactMap({ $0 }) where !UIDSyntax.isWellFormed(uid) {
            throw DICOMwebError.badRequest("not a UID: \(uid)")
        }
        let query = CatalogQuery(
            studyInstanceUIDs: [study], seriesInstanceUIDs: series.map { [$0] } ?? [],
            sopInstanceUIDs: instance.map { [$0] } ?? [], acceptedOnly: true)
        let found: [StoredInstance]
        do {
            found = try await catalog.storedInstances(matching: query)
        } catch {
            throw DICOMwebError.catalog(error)
        }
        guard !found.isEmpty else {
            throw DICOMwebError.notFound(
                instance != nil ? "no such instance" : series != nil ? "no such series" : "no such study")
        }
        return found
    }

    static func json(_ text: String, warnings: [String] = []) -> Response {
        var headers: HTTPFields = [.contentType: "application/dicom+json"]
        for warning in warnings {
            headers.append(HTTPField(name: HTTPField.Name("Warning")!, value: "299 intake \"\(warning)\""))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
