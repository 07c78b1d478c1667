import ArgumentParser
import DICOMweb
import Foundation
import Logging
import ServiceLifecycle

extension IntakeCommand {
    /// `intake serve`: the DICOMweb server for reviewers' viewers.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the catalog and the store to DICOMweb viewers (QIDO-RS, WADO-RS), read-only.",
            discussion: """
                Studies are at http://HOST:PORT/dicomweb. On a loopback address requests need no
                token; on any other, every request needs a Bearer token from --token-file (lines of
                NAME TOKEN, the file owner-only), unless --insecure-no-auth. Every retrieval and search
                is written to the catalog's audit trail before it is answered. Prints the base URL on
                stdout once listening; SIGTERM and SIGINT let requests in flight finish, then exit 0.
                """
        )

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var logging: LoggingOptions
        @Option(help: "Address and port to listen on (port 0: any free port).") var listen = "127.0.0.1:8042"
        @Option(help: "The public base URL of /dicomweb, for RetrieveURL and BulkDataURI behind a proxy.")
        var baseUrl: String?
        @Option(help: "File of Bearer tokens (NAME TOKEN per line), required off loopback.") var tokenFile: String?
        @Flag(help: "Serve off loopback without tokens: anyone who reaches the port reads patient data.")
        var insecureNoAuth = false
        @Option(help: "The web origin of a viewer served from elsewhere (https://viewer.example.org), allowed by CORS.")
        var allowOrigin: String?

        func validate() throws {
            guard Self.address(listen) != nil else {
                throw ValidationError("--listen takes HOST:PORT, such as 127.0.0.1:8042 or [::1]:8042, not \(listen)")
            }
        }

        func run() async throws {
            let catalog = try await homeOptions.openExistingCatalog(logging: logging)
            let (host, port) = Self.address(listen)!
            let logger = Logger(label: "studyintake.serve")
            let server = try DICOMwebServer.service(
                home: homeOptions.intakeHome, catalog: catalog,
                configuration: .init(
                    host: host, port: port, baseURL: baseUrl.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 },
                    tokenFile: tokenFile, insecureNoAuth: insecureNoAuth, allowedOrigin: allowOrigin),
                logger: logger
            ) { url in
                FileHandle.standardOutput.write(Data("listening on \(url)\n".utf8))
            }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: server)], gracefulShutdownSignals: [.sigterm, .sigint],
                    cancellationSignals: [], logger: logger))
            try await group.run()
            await catalog.close()
        }

        /// `HOST:PORT` or `[IPv6]:PORT`.
        static func address(_ text: String) -> (host: String, port: Int)? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (0...65535).contains(port)
            else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return host.isEmpty ? nil : (host, port)
        }
    }
}
