import Foundation
import GRDB
import StudyCatalog
import Testing

@testable import SQLiteCatalog

@Suite("The SQLite catalog's commits: durable when they return, no checkpoint at close")
struct SQLiteDurabilityTests {
    @Test("The writer syncs the log at every commit; closing leaves the log to the next connection, which reads it")
    func logKeptAtClose() async throws {
        let temporary = try await CatalogBackend.sqlite.temporaryCatalog()
        defer { temporary.remove() }
        let catalog = try #require(temporary.catalog as? SQLiteCatalog)
        let synchronous = try await catalog.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2)  // FULL
        try await catalog.record(CatalogTests.submission(id: "S1"))
        await catalog.close()

        let log = try FileManager.default.attributesOfItem(atPath: temporary.location + "-wal")
        #expect(((log[.size] as? Int) ?? 0) > 0, "the log was checkpointed and emptied at close")
        #expect((log[.posixPermissions] as? Int) == 0o600)
        // Another connection, as the next process: the rows are there, read through the log.
        let queue = try DatabaseQueue(path: temporary.location)
        let instances = try await queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM instance") }
        #expect(instances == 6)
    }
}
