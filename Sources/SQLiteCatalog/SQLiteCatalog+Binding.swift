import GRDB
import GRDBSQLite
import StudyCatalog

extension SQLiteCatalog {
    /// The connection's cached statement of `sql`, `values` bound to its parameters in order
    /// through SQLite's own calls and marked bound for GRDB, which then runs it as it is. Building
    /// GRDB's `StatementArguments` (the values mapped into an array of `DatabaseValue`s, that array
    /// into another through a key path, then validated into a third) took more of an ingest's
    /// transaction than SQLite did. Text is bound as GRDB binds it (a copy, up to a NUL).
    static func cachedStatement(_ sql: String, boundTo values: [CatalogValue], in db: Database) throws -> Statement {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        let expected = Int(sqlite3_bind_parameter_count(handle))
        guard values.count == expected else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE, message: "\(values.count) values for \(expected) parameters",
                sql: statement.sql)
        }
        // Resets the statement and clears its bindings; GRDB then runs it as bound.
        statement.setUncheckedArguments(StatementArguments())
        for (offset, value) in values.enumerated() {
            let index = CInt(offset + 1)
            let code =
                switch value {
                case .null: sqlite3_bind_null(handle, index)
                case .text(let text): bindText(text, to: handle, at: index)
                case .integer(let integer): sqlite3_bind_int64(handle, index, integer)
                case .real(let real): sqlite3_bind_double(handle, index, real)
                case .boolean(let boolean): sqlite3_bind_int64(handle, index, boolean ? 1 : 0)
                case .timestamp(let date): bindText(timestamp(date), to: handle, at: index)
                }
            guard code == SQLITE_OK else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errstr(code)),
                    sql: statement.sql)
            }
        }
        return statement
    }

    private static func bindText(_ text: String, to handle: SQLiteStatement, at index: CInt) -> CInt {
        text.withCString { sqlite3_bind_text(handle, index, $0, -1, transient) }
    }

    /// SQLite's `SQLITE_TRANSIENT`: it copies the value before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
