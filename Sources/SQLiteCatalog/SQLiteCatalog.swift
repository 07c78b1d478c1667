import CSQLiteSettings
import Foundation
import GRDB
import GRDBSQLite
import StudyCatalog

/// The embedded catalog: one SQLite file in WAL mode, shared by the daemon and the command line of
/// one host. It migrates when opened; its reads are `SQLCatalog`'s.
public final class SQLiteCatalog: SQLCatalog {
    let pool: DatabasePool
    public let location: String
    public var dialect: SQLDialect { .sqlite }

    /// How long a writer waits for another process's transaction before giving up.
    public static let busyTimeout: TimeInterval = 10

    /// Opens (creating if needed) the catalog at `path`. The file is created readable by its owner
    /// only, whatever the umask; SQLite gives its -wal and -shm files the same permissions.
    public init(path: String) throws(CatalogError) {
        location = path
        do {
            pool = try Self.openExclusively(path)
        } catch {
            throw Self.catalogError(error, context: path)
        }
    }

    /// Creates (0600), opens and migrates the catalog under an exclusive `flock` on
    /// `<catalog>.open-lock`. Two processes opening a new catalog at once (two watchers) would
    /// otherwise race: switching a new file to WAL fails with SQLITE_BUSY whatever the busy timeout,
    /// and GRDB checks which migrations ran before it takes SQLite's write lock.
    private static func openExclusively(_ path: String) throws -> DatabasePool {
        let lockPath = path + ".open-lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else {
            throw CatalogError(code: .cannotOpen, context: lockPath, detail: String(cString: strerror(errno)))
        }
        defer { Glibc.close(lock) }
        guard flock(lock, LOCK_EX) == 0 else {
            throw CatalogError(code: .cannotOpen, context: lockPath, detail: String(cString: strerror(errno)))
        }
        defer { flock(lock, LOCK_UN) }
        if !FileManager.default.fileExists(atPath: path) {
            let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw CatalogError(code: .cannotOpen, context: path, detail: String(cString: strerror(errno)))
            }
            Glibc.close(descriptor)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try skipCheckpointAtClose(db)
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // Every commit durable when it returns: the write-ahead log synced at each commit. GRDB
        // sets NORMAL (synced only at checkpoints) when it turns WAL on, after the preparation
        // above; only the writer commits.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        try SQLiteSchema.migrator.migrate(pool)
        return pool
    }

    /// With every commit durable, a connection closing last need not checkpoint: that checkpoint
    /// copied every page an ingest had written into the database and synced both files, alone on
    /// the clock at the end of the command (50 ms after a 5,000-file ingest). The log is
    /// checkpointed by the commits that take it past 1,000 pages (SQLite's default), and every
    /// connection reads it meanwhile.
    private static func skipCheckpointAtClose(_ db: Database) throws {
        let code = csqlite_no_checkpoint_on_close(db.sqliteConnection)
        guard code == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot skip the checkpoint at close")
        }
    }

    public func close() async {
        try? pool.close()
    }

    public func fetch(_ statements: [SQLStatement], context: String) async throws(CatalogError) -> [[[CatalogValue]]] {
        do {
            return try await pool.read { db in try statements.map { try Self.rows(db, $0) } }
        } catch {
            throw Self.catalogError(error, context: context)
        }
    }

    /// Runs `change` in one write transaction.
    func write<Value: Sendable>(context: String, _ change: @escaping @Sendable (Database) throws -> Value)
        async throws(CatalogError) -> Value
    {
        do {
            return try await pool.write(change)
        } catch {
            throw Self.catalogError(error, context: context)
        }
    }

    static func rows(_ db: Database, _ statement: SQLStatement) throws -> [[CatalogValue]] {
        try Row.fetchAll(cachedStatement(statement.sql, boundTo: statement.arguments, in: db)).map { row in
            statement.resultTypes.enumerated().map { index, type in catalogValue(row[index] as DatabaseValue, type) }
        }
    }

    static func execute(_ db: Database, _ sql: String, _ arguments: [CatalogValue]) throws {
        try cachedStatement(sql, boundTo: arguments, in: db).execute()
    }

    /// Timestamps are ISO 8601 text in UTC, to the second.
    static func timestamp(_ date: Date) -> String { UTCTime.iso8601(date) }

    static func catalogValue(_ value: DatabaseValue, _ type: CatalogTable.ColumnType) -> CatalogValue {
        if value.isNull { return .null }
        switch type {
        case .text: return String.fromDatabaseValue(value).map(CatalogValue.text) ?? .null
        case .integer: return Int64.fromDatabaseValue(value).map(CatalogValue.integer) ?? .null
        case .real: return Double.fromDatabaseValue(value).map(CatalogValue.real) ?? .null
        case .boolean: return Int64.fromDatabaseValue(value).map { .boolean($0 != 0) } ?? .null
        case .timestamp:
            return String.fromDatabaseValue(value).flatMap { try? Date($0, strategy: .iso8601) }
                .map(CatalogValue.timestamp) ?? .null
        }
    }

    static func catalogError(_ error: any Error, context: String) -> CatalogError {
        if let error = error as? CatalogError { return error }
        if let error = error as? DatabaseError {
            let busy = error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            return CatalogError(code: busy ? .busy : .databaseError, context: context, detail: error.description)
        }
        return CatalogError(code: .databaseError, context: context, detail: "\(error)")
    }
}
