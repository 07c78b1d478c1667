import Foundation
import PostgresCatalog
import StudyCatalog
import TestSupport
import Testing

/// TLS to a server with a certificate: a private cluster that takes TCP connections over TLS only,
/// its certificate (for the name `localhost`) signed by an authority of its own.
@Suite("PostgreSQL over TLS: the certificate checked as sslmode says")
struct PostgresTLSTests {
    @Test("verify-full and verify-ca connect over TLS with the right authority; a wrong name, an unknown authority or no TLS is refused")
    func sslModes() async throws {
        let cluster = try PrivateCluster(tls: true)
        defer { cluster.stop() }
        let port = try cluster.tcpPort()
        let authority = "sslrootcert=\(cluster.certificateAuthority)"
        func url(_ host: String, _ query: String) -> String {
            "postgres://intake@\(host):\(port)/postgres?\(query)"
        }

        for accepted in [
            url("localhost", "sslmode=verify-full&\(authority)"), url("127.0.0.1", "sslmode=verify-ca&\(authority)"),
            url("127.0.0.1", "sslmode=require"),
        ] {
            let catalog = try await PostgresCatalog.open(PostgresLocation(url: accepted))
            #expect(try await catalog.count(of: .submission) == 0, "\(accepted)")
            // The connection kept for the next operation is the one the server sees encrypted.
            let encrypted = try TestPostgres.psql(
                host: cluster.host, port: port,
                "SELECT ssl FROM pg_stat_ssl JOIN pg_stat_activity USING (pid) WHERE application_name = 'intake'")
            #expect(encrypted == ["t"], "\(accepted)")
            await catalog.close()
        }

        let refused: [(url: String, reason: String)] = [
            (url("127.0.0.1", "sslmode=verify-full&\(authority)"), "a certificate for localhost, not 127.0.0.1"),
            (url("localhost", "sslmode=verify-full"), "an authority the system does not trust"),
            (url("localhost", "sslmode=disable"), "the server takes TLS connections only"),
        ]
        for (refusedURL, reason) in refused {
            do {
                let catalog = try await PostgresCatalog.open(PostgresLocation(url: refusedURL))
                await catalog.close()
                Issue.record("connected to \(refusedURL) despite \(reason)")
            } catch let error as CatalogError {
                #expect(
                    error.code == .unreachable || error.code == .cannotOpen, "\(refusedURL): \(error.description)")
                #expect(error.description.contains("localhost") || error.description.contains("127.0.0.1"))
            }
        }
    }
}
