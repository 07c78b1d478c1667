import StudyCatalog

/// `intake catalog copy`: everything one catalog holds (submissions, patients, studies, series,
/// instances, files, findings, reviews, audit events) into another that is empty, table by table in
/// reference order, keeping row numbers; then every table counted on both sides. For moving a
/// clinic's SQLite catalog to the PostgreSQL one its hosts will share. The source must be still
/// (no watcher running) while it is copied.
public struct CatalogCopy: Sendable {
    /// Rows read and written per transaction.
    public var pageSize = 5000

    public init() {}

    /// Rows copied per table, in copy order.
    public func run(from source: any Catalog, to target: any Catalog) async throws(IntakeError) -> [(
        table: CatalogTable, rows: Int
    )] {
        do {
            for table in CatalogTable.allCases where try await target.count(of: table) > 0 {
                throw IntakeError.environment(
                    "\(target.location) is not empty (its \(table.rawValue) table has rows); copy into a new database")
            }
            var copied: [(table: CatalogTable, rows: Int)] = []
            for table in CatalogTable.allCases {
                var offset = 0
                while true {
                    let rows = try await source.rows(of: table, offset: offset, limit: pageSize)
                    if rows.isEmpty { break }
                    try await target.insert(rows, into: table)
                    offset += rows.count
                }
                let expected = try await source.count(of: table)
                let found = try await target.count(of: table)
                guard expected == found, found == offset else {
                    throw IntakeError.environment(
                        "\(table.rawValue): \(expected) rows in \(source.location), \(found) in \(target.location) after the copy")
                }
                copied.append((table, found))
            }
            return copied
        } catch let error as IntakeError {
            throw error
        } catch {
            throw IntakeError.environment("\(error)")
        }
    }
}
