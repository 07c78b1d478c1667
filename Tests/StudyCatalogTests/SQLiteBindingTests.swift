import Foundation
import GRDB
import StudyCatalog
import Testing

@testable import SQLiteCatalog

@Suite("The SQLite catalog's values bound through SQLite's own calls")
struct SQLiteBindingTests {
    static let columns: [CatalogTable.ColumnType] = [.text, .integer, .real, .boolean, .timestamp]

    @Test("Every kind of value reads back as written, through one cached statement used again and again")
    func roundTrip() throws {
        let queue = try DatabaseQueue()
        let stamp = Date(timeIntervalSince1970: 1_700_000_000)
        let rows: [[CatalogValue]] = [
            [.text("MÜLLER^HANS=山田^太郎"), .integer(Int64.max), .real(0.625), .boolean(true), .timestamp(stamp)],
            [.text(""), .integer(-1), .real(-2.5), .boolean(false), .timestamp(stamp)],
            [.null, .null, .null, .null, .null],
        ]
        let read = try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (n INTEGER PRIMARY KEY, a TEXT, b INTEGER, c REAL, d INTEGER, e TEXT)")
            for (index, row) in rows.enumerated() {
                try SQLiteCatalog.execute(
                    db, "INSERT INTO t (n, a, b, c, d, e) VALUES (?, ?, ?, ?, ?, ?)", [.integer(Int64(index))] + row)
            }
            let select = "SELECT a, b, c, d, e FROM t WHERE n >= ? ORDER BY n"
            return try SQLiteCatalog.rows(db, SQLStatement(select, [.integer(0)], returning: Self.columns))
        }
        #expect(read == rows)
        // An empty text is text, not NULL.
        let emptyIsText = try queue.read { db in try Bool.fetchOne(db, sql: "SELECT a IS NOT NULL FROM t WHERE n = 1") }
        #expect(emptyIsText == true)
    }

    @Test("Too few or too many values are refused before anything runs; the statement then serves again")
    func wrongCount() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (a TEXT, b INTEGER)")
            let sql = "INSERT INTO t (a, b) VALUES (?, ?)"
            #expect(throws: DatabaseError.self) { try SQLiteCatalog.execute(db, sql, [.text("one")]) }
            #expect(throws: DatabaseError.self) {
                try SQLiteCatalog.execute(db, sql, [.text("one"), .integer(1), .integer(2)])
            }
            try SQLiteCatalog.execute(db, sql, [.text("two"), .integer(2)])
        }
        let count = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM t") }
        #expect(count == 1)
    }

    @Test("A statement that failed (a constraint) leaves no values behind for the next run")
    func afterFailure() throws {
        let queue = try DatabaseQueue()
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (a TEXT PRIMARY KEY, b INTEGER)")
            let sql = "INSERT INTO t (a, b) VALUES (?, ?)"
            try SQLiteCatalog.execute(db, sql, [.text("x"), .integer(1)])
            #expect(throws: DatabaseError.self) { try SQLiteCatalog.execute(db, sql, [.text("x"), .integer(2)]) }
            try SQLiteCatalog.execute(db, sql, [.text("y"), .null])
        }
        let rows = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT a, b FROM t ORDER BY a").map {
                [$0[0] as String?, ($0[1] as Int?).map(String.init)]
            }
        }
        #expect(rows == [["x", "1"], ["y", nil]])
    }
}
