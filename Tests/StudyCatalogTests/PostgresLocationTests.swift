import Foundation
import Testing

@testable import PostgresCatalog

@Suite("PostgreSQL catalog URLs and the password file, as libpq reads them")
struct PostgresLocationTests {
    @Test("TCP, Unix sockets (host= and an empty host), defaults from the environment, sslmode")
    func parsing() throws {
        let tcp = try PostgresLocation(url: "postgres://intake@db.example:6543/catalog?sslmode=verify-full", environment: [:])
        #expect(tcp.endpoint == .tcp(host: "db.example", port: 6543))
        #expect(tcp.user == "intake" && tcp.database == "catalog" && tcp.tls == .verifyFull)
        let socket = try PostgresLocation(url: "postgresql://intake@/catalog?host=/run/postgresql", environment: [:])
        #expect(socket.endpoint == .socket(folder: "/run/postgresql", port: 5432))
        #expect(socket.tls == .disable)
        let encoded = try PostgresLocation(url: "postgres://intake@%2Ftmp%2Fpg:5433/x", environment: [:])
        #expect(encoded.endpoint == .socket(folder: "/tmp/pg", port: 5433))
        let defaults = try PostgresLocation(
            url: "postgres://db.example", environment: ["PGUSER": "reviewer", "PGDATABASE": "archive", "PGSSLMODE": "require"])
        #expect(defaults.user == "reviewer" && defaults.database == "archive" && defaults.tls == .require)
        let ipv6 = try PostgresLocation(url: "postgres://intake@[::1]:5432/c", environment: [:])
        #expect(ipv6.endpoint == .tcp(host: "::1", port: 5432))
        #expect(ipv6.description == "postgres://intake@[::1]:5432/c")
    }

    @Test(
        "A password in the URL, an unknown parameter or a bad port is refused, naming no secret",
        arguments: [
            "postgres://intake:hunter2@db/c", "postgres://intake@db/c?password=hunter2", "postgres://intake@db:port/c",
            "postgres://intake@db/c?sslmode=sometimes", "postgres://intake@db/c?options=-c", "mysql://intake@db/c",
        ])
    func refused(url: String) {
        do {
            _ = try PostgresLocation(url: url, environment: [:])
            Issue.record("accepted \(url)")
        } catch {
            #expect(!error.description.contains("hunter2"))
        }
    }

    @Test("The password: PGPASSWORD first, then the first matching line of an owner-only password file")
    func password() throws {
        let file = NSTemporaryDirectory() + "pgpass-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: file) }
        try """
            # comment
            other.example:*:*:*:wrong
            db.example:5432:catalog:intake:first\\:part
            *:*:*:intake:fallback
            localhost:5432:*:intake:socket
            """.write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        let tcp = try PostgresLocation(url: "postgres://intake@db.example/catalog", environment: [:])
        #expect(tcp.password(environment: ["PGPASSFILE": file]) == "first:part")
        #expect(tcp.password(environment: ["PGPASSFILE": file, "PGPASSWORD": "env"]) == "env")
        let elsewhere = try PostgresLocation(url: "postgres://intake@db.example/other", environment: [:])
        #expect(elsewhere.password(environment: ["PGPASSFILE": file]) == "fallback")
        let socket = try PostgresLocation(url: "postgres://intake@/x?host=/run/postgresql", environment: [:])
        #expect(socket.password(environment: ["PGPASSFILE": file]) == "fallback")
        // Readable by others: ignored, as libpq ignores it.
        chmod(file, 0o644)
        #expect(tcp.password(environment: ["PGPASSFILE": file]) == nil)
    }
}
