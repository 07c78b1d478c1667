import Foundation

/// The private PostgreSQL cluster the tests use: `Scripts/test` starts one (`Scripts/test-postgres
/// start FOLDER`) and names its socket folder in `INTAKE_TEST_POSTGRES_HOST`. A test that needs it
/// and finds none fails, saying how to start one: it is never skipped.
public enum TestPostgres {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The cluster's socket folder.
    public static func host() throws -> String {
        guard let host = ProcessInfo.processInfo.environment["INTAKE_TEST_POSTGRES_HOST"], !host.isEmpty else {
            throw Unavailable(
                description: """
                    no PostgreSQL for the tests: run them with Scripts/test, or start a private cluster with \
                    `Scripts/test-postgres start /tmp/intake-pg` and set INTAKE_TEST_POSTGRES_HOST=/tmp/intake-pg
                    """)
        }
        return host
    }

    /// A new, empty database in the cluster; its catalog URL.
    public static func makeDatabase() throws -> String {
        let host = try host()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try psql(host: host, "CREATE DATABASE \(name)")
        return url(of: name, host: host)
    }

    public static func url(of database: String, host: String) -> String {
        "postgres://intake@/\(database)?host=\(host)"
    }

    /// Drops the database of a catalog URL, closing whatever connections it still has.
    public static func dropDatabase(_ url: String) {
        guard let host = try? host() else { return }
        try? psql(host: host, "DROP DATABASE IF EXISTS \(databaseName(of: url)) WITH (FORCE)")
    }

    /// Runs one SQL command as the cluster's superuser; its rows, one line each, `|`-separated.
    @discardableResult
    public static func psql(host: String, port: Int = 5432, database: String = "postgres", _ sql: String) throws
        -> [String]
    {
        let finished = try FinishedProcess(running: psqlProcess(host: host, port: port, database: database, sql))
        guard finished.status == 0 else {
            throw Unavailable(description: "psql \(sql): \(String(decoding: finished.standardError, as: UTF8.self))")
        }
        return String(decoding: finished.standardOutput, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Runs one SQL query on the database of a catalog URL; its rows.
    public static func query(_ url: String, _ sql: String) throws -> [String] {
        try psql(host: try host(), database: databaseName(of: url), sql)
    }

    /// The database of a catalog URL as `url(of:host:)` writes it.
    public static func databaseName(of url: String) -> String {
        let path = url.components(separatedBy: "@/").last ?? ""
        return String(path.split(separator: "?").first ?? "")
    }

    /// psql set up (not started) to run `sql` as the cluster's superuser, rows unaligned, no headers.
    public static func psqlProcess(host: String, port: Int = 5432, database: String = "postgres", _ sql: String...)
        -> Process
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments =
            ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", "\(port)", "-U", "intake", "-d", database]
            + sql.flatMap { ["-c", $0] }
        return process
    }
}

/// A cluster of a test's own, for a test that restarts its server (which would cut every other
/// test's connections in the shared one) or needs TLS: `Scripts/test-postgres` in a temporary folder.
public struct PrivateCluster {
    /// The folder of its socket.
    public let host: String

    /// Starts one on its socket only or, with `tls`, also on `localhost`'s TCP port `tcpPort()`,
    /// taking TLS connections only, its certificate (for `localhost`) signed by
    /// `certificateAuthority`.
    public init(tls: Bool = false) throws {
        host = NSTemporaryDirectory() + "intake-pg-" + UUID().uuidString.prefix(8)
        try Self.script(tls ? "start-tls" : "start", host)
    }

    /// The catalog URL of the cluster's `postgres` database, on its socket.
    public var url: String { TestPostgres.url(of: "postgres", host: host) }

    /// The TCP port of a cluster started with `tls`.
    public func tcpPort() throws -> Int {
        let text = try String(contentsOfFile: host + "/port", encoding: .utf8)
        guard let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TestPostgres.Unavailable(description: "no TCP port in \(host)/port")
        }
        return port
    }

    /// The certificate of the authority that signed a `tls` cluster's certificate (PEM).
    public var certificateAuthority: String { host + "/tls/ca.crt" }

    public func restart() throws { try Self.script("restart", host) }

    public func stop() {
        try? Self.script("stop", host)
        try? FileManager.default.removeItem(atPath: host)
    }

    /// Runs the script through `system`: the server it starts keeps every descriptor it inherits,
    /// and Foundation's `Process` would wait for one of them to close.
    private static func script(_ command: String, _ folder: String) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts/test-postgres").path
        guard system("'\(script)' \(command) '\(folder)' >/dev/null") == 0 else {
            throw TestPostgres.Unavailable(description: "Scripts/test-postgres \(command) \(folder) failed")
        }
    }
}
