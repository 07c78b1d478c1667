import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOSSL
import PostgresNIO
import StudyCatalog

/// The shared catalog: a PostgreSQL database that several intake hosts and many reviewers use at
/// once. Its reads are `SQLCatalog`'s; its writes are batched, one transaction each.
///
/// Each operation runs on a connection of its own: one kept open from an earlier operation that
/// ended well (up to four are kept, `IdleConnections`), else a new one. A server restarted between
/// two operations is simply connected to again (the connections it closed are dropped), and one
/// that goes away during an operation fails that operation at once, never leaving a pool waiting
/// to reconnect.
public final class PostgresCatalog: SQLCatalog {
    public let location: String
    public var dialect: SQLDialect { .postgres }
    let configuration: PostgresConnection.Configuration
    let logger = quietLogger
    private let idle = IdleConnections(limit: 4)

    /// Advisory lock keys: schema migrations (session lock), and submission writes (transaction
    /// lock: one submission is judged against every instance committed before it, whichever host
    /// wrote that).
    static let migrationLock: Int64 = 0x5354_5544_594D_4947
    public static let recordLock: Int64 = 0x5354_5544_5952_4543

    /// A statement or a lock wait longer than these is given up, as a busy SQLite catalog is.
    static let lockTimeout = "10s"
    static let statementTimeout = "120s"

    private init(location: String, configuration: PostgresConnection.Configuration) {
        self.location = location
        self.configuration = configuration
    }

    /// Connects, creates or migrates the schema (once, under an advisory lock, when several hosts
    /// start together), and opens a pool for the catalog's operations. An unreachable server or a
    /// refused login is one `unreachable`/`cannotOpen` error, at once.
    public static func open(_ location: PostgresLocation) async throws(CatalogError) -> PostgresCatalog {
        let password = location.password()
        let context: NIOSSLContext?
        do {
            context = try Self.tlsConfiguration(location).map(NIOSSLContext.init(configuration:))
        } catch {
            throw CatalogError(code: .cannotOpen, context: location.description, detail: "TLS: \(error)")
        }
        var connectionConfiguration: PostgresConnection.Configuration
        switch location.endpoint {
        case .tcp(let host, let port):
            connectionConfiguration = .init(
                host: host, port: port, username: location.user, password: password, database: location.database,
                tls: context.map { location.tls == .prefer ? .prefer($0) : .require($0) } ?? .disable)
        case .socket(let folder, let port):
            let socket = folder + "/.s.PGSQL.\(port)"
            connectionConfiguration = .init(
                unixSocketPath: socket, username: location.user, password: password, database: location.database)
        }
        let parameters = [
            ("lock_timeout", lockTimeout), ("statement_timeout", statementTimeout), ("application_name", "intake"),
            ("TimeZone", "UTC"),
        ]
        connectionConfiguration.options.additionalStartupParameters = parameters
        connectionConfiguration.options.connectTimeout = .seconds(10)
        do {
            let connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration, id: 0, logger: quietLogger)
            do {
                try await migrate(connection, logger: quietLogger)
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
        } catch {
            throw Self.catalogError(error, context: location.description)
        }
        return PostgresCatalog(location: location.description, configuration: connectionConfiguration)
    }

    /// The TLS `sslmode` asks for; nil for `disable`.
    private static func tlsConfiguration(_ location: PostgresLocation) -> TLSConfiguration? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch location.tls {
        case .disable:
            return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
        case .verifyCA:
            configuration.certificateVerification = .noHostnameVerification
        case .verifyFull:
            configuration.certificateVerification = .fullVerification
        }
        if let root = location.rootCertificate {
            configuration.trustRoots = .file(root)
        }
        return configuration
    }

    /// Runs the migrations the database lacks, under a session advisory lock (released at the end,
    /// or with the connection when a migration fails).
    private static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_lock(\(migrationLock))", logger: logger)
        try await connection.query(
            "CREATE TABLE IF NOT EXISTS schemaMigration (name TEXT PRIMARY KEY, appliedAt TIMESTAMPTZ NOT NULL)",
            logger: logger)
        var applied: Set<String> = []
        for try await name in try await connection.query("SELECT name FROM schemaMigration", logger: logger)
            .decode(String.self)
        {
            applied.insert(name)
        }
        for migration in PostgresSchema.migrations where !applied.contains(migration.name) {
            try await connection.withTransaction(logger: logger) { transaction in
                for statement in migration.statements {
                    try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await transaction.query(
                    "INSERT INTO schemaMigration (name, appliedAt) VALUES (\(migration.name), now())", logger: logger)
            }
        }
        try await connection.query("SELECT pg_advisory_unlock(\(migrationLock))", logger: logger)
    }

    /// Closes the connections kept between operations.
    public func close() async {
        await idle.closeAll()
    }

    /// Runs `body` on a connection of its own: kept for a later operation when `body` ended well
    /// (every transaction in it committed or rolled back), closed when it threw.
    func withConnection<Value: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Value)
        async throws -> Value
    {
        let connection: PostgresConnection
        if let kept = idle.take() {
            connection = kept
        } else {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        }
        do {
            let value = try await Self.abandonedWhenClosed(connection) { try await body(connection) }
            idle.giveBack(connection)
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// The server closed the connection under an operation whose answer never came.
    struct ConnectionLost: Error, CustomStringConvertible {
        var description: String { "the server closed the connection during the operation" }
    }

    /// Runs `work` and returns its result; but once the connection is closed (the server restarted
    /// or went away) and `work` has not finished a second later, gives it up with `ConnectionLost`.
    /// A closed connection cannot answer any more, yet postgres-nio was seen leaving a transaction
    /// waiting forever for the answer to a statement the server was killed during (a restart while
    /// the statement waited for a lock): without this, the operation, and a daemon with it, would
    /// hang.
    static func abandonedWhenClosed<Value: Sendable>(
        _ connection: PostgresConnection, _ work: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        let finished = NIOLockedValueBox(false)
        return try await withCheckedThrowingContinuation { continuation in
            let finish: @Sendable (Result<Value, any Error>) -> Void = { result in
                let first = finished.withLockedValue { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(with: result) }
            }
            let running = Task {
                do { finish(.success(try await work())) } catch { finish(.failure(error)) }
            }
            Task {
                while !finished.withLockedValue({ $0 }) {
                    try? await Task.sleep(for: .milliseconds(250))
                    guard connection.isClosed else { continue }
                    try? await Task.sleep(for: .seconds(1))
                    finish(.failure(ConnectionLost()))
                    running.cancel()
                    return
                }
            }
        }
    }

    public func fetch(_ statements: [SQLStatement], context: String) async throws(CatalogError) -> [[[CatalogValue]]] {
        do {
            if statements.count == 1 {
                return [try await withConnection { connection in try await Self.rows(connection, statements[0]) }]
            }
            let logger = self.logger
            return try await withConnection { connection in
                try await connection.withTransaction(logger: logger) { connection in
                    try await connection.query(
                        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger)
                    var results: [[[CatalogValue]]] = []
                    for statement in statements { results.append(try await Self.rows(connection, statement)) }
                    return results
                }
            }
        } catch {
            throw Self.catalogError(error, context: context)
        }
    }

    /// Runs `change` in one write transaction.
    func write<Value: Sendable>(
        context: String, _ change: @escaping @Sendable (PostgresConnection) async throws -> Value
    )
        async throws(CatalogError) -> Value
    {
        do {
            let logger = self.logger
            return try await withConnection { connection in
                try await connection.withTransaction(logger: logger) { connection in try await change(connection) }
            }
        } catch {
            throw Self.catalogError(error, context: context)
        }
    }

    /// Runs one statement and decodes its rows as its result types say.
    static func rows(_ connection: PostgresConnection, _ statement: SQLStatement) async throws -> [[CatalogValue]] {
        try await rows(connection, query(statement.sql, statement.arguments), returning: statement.resultTypes)
    }

    /// Runs a query bound by hand (an array parameter) and decodes its rows as `types` say.
    static func rows(
        _ connection: PostgresConnection, _ query: PostgresQuery, returning types: [CatalogTable.ColumnType]
    )
        async throws -> [[CatalogValue]]
    {
        let sequence = try await connection.query(query, logger: quietLogger)
        var rows: [[CatalogValue]] = []
        for try await row in sequence {
            var values: [CatalogValue] = []
            values.reserveCapacity(types.count)
            for (cell, type) in zip(row, types) {
                values.append(try catalogValue(cell, type))
            }
            rows.append(values)
        }
        return rows
    }

    /// The statement with `?` placeholders numbered as PostgreSQL writes them (`$1`, `$2`, …).
    static func query(_ sql: String, _ arguments: [CatalogValue]) -> PostgresQuery {
        var numbered = ""
        numbered.reserveCapacity(sql.utf8.count + arguments.count * 3)
        var index = 0
        for character in sql {
            if character == "?" {
                index += 1
                numbered += "$\(index)"
            } else {
                numbered.append(character)
            }
        }
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: bindings.appendNull()
            case .text(let text): bindings.append(text)
            case .integer(let integer): bindings.append(integer)
            case .real(let real): bindings.append(real)
            case .boolean(let boolean): bindings.append(boolean)
            case .timestamp(let date): bindings.append(date)
            }
        }
        return PostgresQuery(unsafeSQL: numbered, binds: bindings)
    }

    static func catalogValue(_ cell: PostgresCell, _ type: CatalogTable.ColumnType) throws -> CatalogValue {
        switch type {
        case .text: try cell.decode(String?.self).map(CatalogValue.text) ?? .null
        case .integer: try cell.decode(Int64?.self).map(CatalogValue.integer) ?? .null
        case .real: try cell.decode(Double?.self).map(CatalogValue.real) ?? .null
        case .boolean: try cell.decode(Bool?.self).map(CatalogValue.boolean) ?? .null
        case .timestamp: try cell.decode(Date?.self).map(CatalogValue.timestamp) ?? .null
        }
    }

    /// The server's words when it gave any, never the statement's arguments.
    static func catalogError(_ error: any Error, context: String) -> CatalogError {
        if let error = error as? CatalogError { return error }
        if let error = error as? PostgresTransactionError,
            let cause = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError
        {
            return catalogError(cause, context: context)
        }
        if let error = error as? PSQLError {
            if let info = error.serverInfo {
                let state = info[.sqlState] ?? ""
                let message = (info[.message] ?? "server error") + " (SQLSTATE \(state))"
                let busy = ["55P03", "57014", "40P01", "40001"].contains(state)
                let gone = state.hasPrefix("57P") || state.hasPrefix("08")
                let refused = state.hasPrefix("28") || state == "3D000"
                let code: CatalogError.Code =
                    busy ? .busy : gone ? .unreachable : refused ? .cannotOpen : .databaseError
                return CatalogError(code: code, context: context, detail: message)
            }
            let detail = error.underlying.map { "\(error.code): \($0)" } ?? "\(error.code)"
            return CatalogError(code: .unreachable, context: context, detail: detail)
        }
        if error is PostgresDecodingError {
            return CatalogError(code: .databaseError, context: context, detail: "a value of an unexpected type")
        }
        return CatalogError(code: .unreachable, context: context, detail: "\(error)")
    }
}

/// PostgresNIO's own log lines can carry statements' parameters (patients' names): never logged.
let quietLogger = Logger(label: "studyintake.catalog.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
