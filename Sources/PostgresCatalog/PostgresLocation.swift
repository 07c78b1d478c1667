import Foundation

/// Where a PostgreSQL catalog is, from a libpq-style URL: `postgres://user@host:port/db`,
/// `postgres://user@/db?host=/run/postgresql` (a Unix socket's folder, as libpq writes it), with
/// `sslmode` (`disable`, `prefer`, `require`, `verify-ca`, `verify-full`) and `sslrootcert`. The
/// password comes from `PGPASSWORD` or a libpq password file (`PGPASSFILE`, else `~/.pgpass`),
/// never from the URL: a URL shows in process lists, shell histories and logs.
public struct PostgresLocation: Sendable, Hashable {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The folder holding the server's socket, and its port (the socket's name).
        case socket(folder: String, port: Int)
    }

    public enum TLSMode: String, Sendable, Hashable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// CA certificates (PEM) to verify the server with; the system's when nil.
    public var rootCertificate: String?

    /// The URL without any secret, for messages.
    public var description: String {
        let query = tls == .disable || tls == .prefer ? "" : "?sslmode=\(tls.rawValue)"
        switch endpoint {
        case .tcp(let host, let port):
            return "postgres://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)\(query)"
        case .socket(let folder, let port):
            return "postgres://\(user)@/\(database)?host=\(folder)" + (port == 5432 ? "" : "&port=\(port)")
        }
    }

    /// Whether `text` names a PostgreSQL catalog rather than a SQLite file.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(url text: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(PostgresLocationError)
    {
        guard let schemeEnd = text.range(of: "://"), Self.isURL(text) else {
            throw PostgresLocationError("\(text) is not a postgres:// URL")
        }
        var rest = String(text[schemeEnd.upperBound...])
        var queryText = ""
        if let mark = rest.firstIndex(of: "?") {
            queryText = String(rest[rest.index(after: mark)...])
            rest = String(rest[..<mark])
        }
        var authority = rest
        var path = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = String(rest[..<slash])
            path = String(rest[rest.index(after: slash)...])
        }
        var userText: String?
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            userText = String(authority[..<at])
            hostPort = String(authority[authority.index(after: at)...])
        }
        if let userText, userText.contains(":") {
            throw PostgresLocationError(
                "the catalog URL holds a password, which would show in process lists and logs; "
                    + "put it in ~/.pgpass (or PGPASSFILE) or PGPASSWORD instead")
        }
        var host = ""
        var port: Int?
        if hostPort.hasPrefix("["), let close = hostPort.firstIndex(of: "]") {
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") { port = Int(after.dropFirst()) }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<colon])
            port = Int(hostPort[hostPort.index(after: colon)...])
            if port == nil { throw PostgresLocationError("the port in \(text) is not a number") }
        } else {
            host = hostPort
        }
        host = host.removingPercentEncoding ?? host
        var user = userText.flatMap { $0.removingPercentEncoding }
        var database = path.removingPercentEncoding.flatMap { $0.isEmpty ? nil : $0 }
        var tls: TLSMode?
        var rootCertificate: String?
        for pair in queryText.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).removingPercentEncoding ?? String($0)
            }
            let value = parts.count > 1 ? parts[1] : ""
            switch parts[0] {
            case "host": host = value
            case "port":
                guard let number = Int(value) else { throw PostgresLocationError("port=\(value) is not a number") }
                port = number
            case "user": user = value
            case "dbname": database = value
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) ?? (value == "allow" ? .prefer : nil) else {
                    throw PostgresLocationError(
                        "sslmode=\(value) is not one of disable, prefer, require, verify-ca, verify-full")
                }
                tls = mode
            case "sslrootcert": rootCertificate = value
            case "password":
                throw PostgresLocationError(
                    "the catalog URL holds a password; put it in ~/.pgpass (or PGPASSFILE) or PGPASSWORD instead")
            case "application_name", "connect_timeout": continue
            default:
                throw PostgresLocationError("the catalog URL's parameter \(parts[0]) is not understood")
            }
        }
        let resolvedUser = user ?? environment["PGUSER"] ?? Self.systemUserName()
        self.user = resolvedUser
        self.database = database ?? environment["PGDATABASE"] ?? resolvedUser
        let resolvedPort = port ?? environment["PGPORT"].flatMap(Int.init) ?? 5432
        if host.isEmpty { host = environment["PGHOST"] ?? "/run/postgresql" }
        if host.hasPrefix("/") {
            endpoint = .socket(folder: host, port: resolvedPort)
            self.tls = .disable
        } else {
            endpoint = .tcp(host: host, port: resolvedPort)
            self.tls = tls ?? environment["PGSSLMODE"].flatMap(TLSMode.init(rawValue:)) ?? .prefer
        }
        self.rootCertificate = rootCertificate ?? environment["PGSSLROOTCERT"]
    }

    /// The password for this location: `PGPASSWORD`, else the first matching line of the password
    /// file, which (as libpq requires) must be readable by its owner only. Nil when there is none
    /// (the server may not ask for one).
    public func password(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let password = environment["PGPASSWORD"] { return password }
        let file = environment["PGPASSFILE"] ?? (NSHomeDirectory() + "/.pgpass")
        var status = stat()
        guard stat(file, &status) == 0, status.st_mode & 0o077 == 0,
            let contents = try? String(contentsOfFile: file, encoding: .utf8)
        else { return nil }
        let (host, port): (String, Int) =
            switch endpoint {
            case .tcp(let host, let port): (host, port)
            case .socket(_, let port): ("localhost", port)
            }
        for line in contents.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = Self.passwordFileFields(String(line))
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// A password file line's five fields, `:`-separated, with `\:` and `\\` as escapes.
    static func passwordFileFields(_ line: String) -> [String] {
        var fields: [String] = [""]
        var escaped = false
        for character in line {
            if escaped {
                fields[fields.count - 1].append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 5 {
                fields.append("")
            } else {
                fields[fields.count - 1].append(character)
            }
        }
        return fields
    }

    private static func systemUserName() -> String {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return "postgres" }
        return String(cString: name)
    }
}

/// A catalog URL that cannot be used, and why.
public struct PostgresLocationError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
