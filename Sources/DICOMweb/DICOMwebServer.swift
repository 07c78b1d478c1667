import Foundation
import Hummingbird
import Intake
import Logging
import NIOCore
import ServiceLifecycle
import StudyCatalog

/// `intake serve`: QIDO-RS and WADO-RS at `/dicomweb` over the catalog (either backend) and the
/// store, read-only. On a loopback address it takes requests without a token; on any other, only
/// with a Bearer token from the token file, unless told outright that it need not.
public struct DICOMwebServer {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var baseURL: String?
        public var tokenFile: String?
        public var insecureNoAuth: Bool
        /// The web origin of a viewer served from elsewhere (OHIF at https://viewer.example.org), whose
        /// browser may then read answers (CORS); nil: none.
        public var allowedOrigin: String?

        public init(
            host: String, port: Int, baseURL: String?, tokenFile: String?, insecureNoAuth: Bool, allowedOrigin: String?
        ) {
            self.host = host
            self.port = port
            self.baseURL = baseURL
            self.tokenFile = tokenFile
            self.insecureNoAuth = insecureNoAuth
            self.allowedOrigin = allowedOrigin
        }

        var isLoopback: Bool { host == "127.0.0.1" || host == "::1" || host == "localhost" }
    }

    public struct RefusedConfiguration: Error, CustomStringConvertible {
        public let description: String
    }

    /// The server as a service (it stops on the service group's graceful shutdown, letting requests
    /// in flight finish). `onListening` is told the base URL once the socket is bound.
    public static func service(
        home: IntakeHome, catalog: any Catalog, configuration: Configuration, logger: Logger,
        onListening: @escaping @Sendable (String) -> Void
    ) throws -> any Service {
        var tokens: BearerTokens?
        if let path = configuration.tokenFile {
            do {
                tokens = try BearerTokens(file: path)
            } catch {
                throw RefusedConfiguration(description: error.description)
            }
        }
        if tokens == nil, !configuration.isLoopback, !configuration.insecureNoAuth {
            throw RefusedConfiguration(
                description:
                    "listening on \(configuration.host) serves patient data to the network: give --token-file, or --insecure-no-auth to do it anyway"
            )
        }
        let files = StoredFiles(home: home)
        do {
            try files.prepare()
        } catch {
            throw RefusedConfiguration(description: "\(error)")
        }
        let listeningPort = ListeningPort()
        let service = DICOMwebService(
            catalog: catalog, files: files, audit: AuditTrail(catalog: catalog), baseURL: configuration.baseURL,
            listeningPort: listeningPort)
        let router = Router(context: DICOMwebRequestContext.self)
        // Before the tokens: a browser's preflight (OPTIONS) carries none.
        if let origin = configuration.allowedOrigin {
            router.add(
                middleware: CORSMiddleware(
                    allowOrigin: .custom(origin), allowHeaders: [.accept, .authorization, .contentType],
                    allowMethods: [.get, .options], exposedHeaders: ["Warning", "Content-Type"]))
        }
        if let tokens { router.add(middleware: BearerTokenMiddleware(tokens: tokens)) }
        routes(service, on: router.group(RouterPath(DICOMwebService.root)))
        let host = configuration.host
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? configuration.port
                listeningPort.set(port)
                let shownHost = host.contains(":") ? "[\(host)]" : host
                onListening("http://\(shownHost):\(port)/\(DICOMwebService.root)")
            },
            logger: logger)
    }

    private static func routes(_ service: DICOMwebService, on group: RouterGroup<DICOMwebRequestContext>) {
        group.get("studies") { try await service.search(.studies, request: $0, context: $1) }
        group.get("series") { try await service.search(.series, request: $0, context: $1) }
        group.get("instances") { try await service.search(.instances, request: $0, context: $1) }
        group.get("studies/:study/series") { try await service.search(.series, request: $0, context: $1) }
        group.get("studies/:study/instances") { try await service.search(.instances, request: $0, context: $1) }
        group.get("studies/:study/series/:series/instances") {
            try await service.search(.instances, request: $0, context: $1)
        }
        group.get("studies/:study") { try await service.retrieveInstances(request: $0, context: $1) }
        group.get("studies/:study/series/:series") { try await service.retrieveInstances(request: $0, context: $1) }
        group.get("studies/:study/series/:series/instances/:instance") {
            try await service.retrieveInstances(request: $0, context: $1)
        }
        group.get("studies/:study/metadata") { try await service.retrieveMetadata(request: $0, context: $1) }
        group.get("studies/:study/series/:series/metadata") {
            try await service.retrieveMetadata(request: $0, context: $1)
        }
        group.get("studies/:study/series/:series/instances/:instance/metadata") {
            try await service.retrieveMetadata(request: $0, context: $1)
        }
        for (path, thumbnail) in [
            ("studies/:study/thumbnail", true), ("studies/:study/series/:series/thumbnail", true),
            ("studies/:study/series/:series/instances/:instance/thumbnail", true),
            ("studies/:study/series/:series/rendered", false),
            ("studies/:study/series/:series/instances/:instance/rendered", false),
            ("studies/:study/series/:series/instances/:instance/frames/:frames/rendered", false),
            ("studies/:study/series/:series/instances/:instance/frames/:frames/thumbnail", true),
        ] {
            group.get(RouterPath(path)) {
                try await service.retrieveRendered(request: $0, context: $1, thumbnail: thumbnail)
            }
        }
        group.get("studies/:study/series/:series/instances/:instance/bulk/**") {
            try await service.retrieveBulkData(request: $0, context: $1)
        }
        group.get("studies/:study/series/:series/instances/:instance/frames/:frames") {
            try await service.retrieveFrames(request: $0, context: $1)
        }
    }
}
