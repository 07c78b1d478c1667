import Foundation
import Intake
import PostgresCatalog
import SQLiteCatalog
import StudyCatalog
import TestSupport
import Testing

/// The two catalog backends every catalog test runs against: a real SQLite file and a real
/// PostgreSQL database in the private test cluster.
enum CatalogBackend: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// A fresh, empty catalog of this backend.
    func temporaryCatalog() async throws -> TemporaryCatalog {
        switch self {
        case .sqlite:
            let folder = NSTemporaryDirectory() + "studyintake-catalog-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = folder + "/catalog.sqlite"
            return TemporaryCatalog(location: path, catalog: try SQLiteCatalog(path: path), folder: folder)
        case .postgres:
            let url = try TestPostgres.makeDatabase()
            return TemporaryCatalog(location: url, catalog: try await open(url), folder: nil)
        }
    }

    /// Another connection to the same catalog, as a second process or host would open it.
    func open(_ location: String) async throws -> any Catalog {
        try await CatalogLocation.parse(location).open()
    }
}

/// A catalog made for one test; `remove()` deletes its folder or drops its database.
struct TemporaryCatalog {
    let location: String
    let catalog: any Catalog
    let folder: String?

    func remove() {
        if let folder {
            try? FileManager.default.removeItem(atPath: folder)
        } else {
            TestPostgres.dropDatabase(location)
        }
    }
}

extension Catalog {
    /// Records under the intake's own duplicate and outcome rules; returns the duplicate findings.
    @discardableResult
    func record(_ submission: SubmissionRecord) async throws -> [SubmissionRecord.Finding] {
        try await record(submission, duplicates: DuplicateRule(), outcome: OutcomeRule(), replacing: false)
            .duplicateFindings
    }
}
