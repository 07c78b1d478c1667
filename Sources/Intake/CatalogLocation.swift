import Foundation
import PostgresCatalog
import SQLiteCatalog
import StudyCatalog

/// Which catalog a command uses: `--catalog`, else `$INTAKE_CATALOG`, else the home's
/// `catalog.sqlite`. A `postgres://` URL names a PostgreSQL catalog (`PostgresLocation`), anything
/// else a SQLite file.
public enum CatalogLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    public static func resolve(_ option: String?, home: IntakeHome) throws(IntakeError) -> CatalogLocation {
        let environment = ProcessInfo.processInfo.environment["INTAKE_CATALOG"].flatMap { $0.isEmpty ? nil : $0 }
        return try parse(option ?? environment ?? home.catalogPath)
    }

    public static func parse(_ text: String) throws(IntakeError) -> CatalogLocation {
        guard PostgresLocation.isURL(text) else { return .sqlite(path: text) }
        do {
            return .postgres(try PostgresLocation(url: text))
        } catch {
            throw IntakeError.environment("catalog: \(error.description)")
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }

    /// Opens the catalog, creating and migrating it when needed. With `mustExist`, a SQLite file
    /// that is not there is an error (a query of a home that never ingested), not a new catalog.
    public func open(mustExist: Bool = false) async throws(IntakeError) -> any Catalog {
        do {
            switch self {
            case .sqlite(let path):
                if mustExist && !FileManager.default.fileExists(atPath: path) {
                    throw IntakeError.environment("no catalog at \(path); ingest a disc first")
                }
                return try SQLiteCatalog(path: path)
            case .postgres(let location):
                return try await PostgresCatalog.open(location)
            }
        } catch let error as IntakeError {
            throw error
        } catch {
            throw IntakeError.environment("\(error)")
        }
    }
}
