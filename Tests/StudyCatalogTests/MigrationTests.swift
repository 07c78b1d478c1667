import Foundation
import GRDB
import Intake
import StudyCatalog
import Testing

@testable import PostgresCatalog
@testable import SQLiteCatalog
import TestSupport

@Suite("Migrating a catalog written by an earlier version")
struct MigrationTests {
    /// A catalog as an earlier version left it: the schema up to `migration`, holding `rows` (SQL).
    /// Returns its path, in a fresh folder.
    static func catalog(upTo migration: String, holding rows: String) async throws -> String {
        let folder = NSTemporaryDirectory() + "studyintake-migration-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/catalog.sqlite"
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(queue, upTo: migration)
        try await queue.write { db in try db.execute(sql: rows) }
        return path
    }

    @Test("v3 keeps every row of a v2 catalog; its instances are never taken for identical to new ones")
    func fromVersion2() async throws {
        // A catalog as the previous version left it: schema up to v2, one submission of one instance.
        let path = try await Self.catalog(upTo: "v2-submission-requester", holding: """
                INSERT INTO submission (id, receivedAt, source, status, priority) VALUES
                    ('old', '2024-01-01T00:00:00Z', '/inbox/old', 'accepted', 'routine');
                INSERT INTO patient (id, patientID, issuerOfPatientID, nameKey, patientBirthDate)
                    VALUES (1, 'P1', '', 'DOE^JANE', '19640312');
                INSERT INTO study (studyInstanceUID, patientRowID) VALUES ('1.2.3', 1);
                INSERT INTO series (seriesInstanceUID, studyInstanceUID, modality) VALUES ('1.2.3.1', '1.2.3', 'MR');
                INSERT INTO instance (id, sopInstanceUID, contentHash, seriesInstanceUID, firstSubmissionId)
                    VALUES (7, '1.2.3.1.1', 'abc123', '1.2.3.1', 'old');
                INSERT INTO file (submissionId, path, size, contentHash, role, instanceRowID)
                    VALUES ('old', 'DICOM/IM1', 1000, 'abc123', 'dicom', 7);
            """)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }

        let catalog = try SQLiteCatalog(path: path)
        #expect(try await catalog.submissionStatus("old") == .accepted)
        let kept = try await catalog.catalogedSubmissions()
        #expect(kept.first?.files.map(\.path) == ["DICOM/IM1"])
        #expect(kept.first?.files.first?.contentHash == "abc123")
        #expect(kept.first?.files.first?.headerDigest == "whole-file-sha256:abc123")
        #expect(kept.first?.filesInPlace == false)

        // The same SOPInstanceUID again: a conflict, kept apart, never linked to the old row.
        var resent = CatalogTests.submission(id: "new", study: "1.2.3", series: 1)
        resent.instances[0].sopInstanceUID = "1.2.3.1.1"
        let recorded = try await catalog.record(
            resent, duplicates: DuplicateRule(), outcome: OutcomeRule(), replacing: false)
        #expect(recorded.duplicateFindings.map(\.code) == ["duplicate-conflict"])
        #expect(recorded.status == .held)
    }

    @Test("v5 makes a file linked to an earlier identical copy a fact of its row, from the findings that said so")
    func linkedFromFindings() async throws {
        let path = try await Self.catalog(upTo: "v4-instance-damage", holding: """
                INSERT INTO submission (id, receivedAt, source, status, priority) VALUES
                    ('first', '2024-01-01T00:00:00Z', '/inbox/a', 'accepted', 'routine'),
                    ('again', '2024-01-02T00:00:00Z', '/inbox/b', 'accepted', 'routine');
                INSERT INTO patient (id, patientID, issuerOfPatientID, nameKey, patientBirthDate)
                    VALUES (1, 'P1', '', 'DOE^JANE', '19640312');
                INSERT INTO study (studyInstanceUID, patientRowID) VALUES ('1.2.3', 1);
                INSERT INTO series (seriesInstanceUID, studyInstanceUID, modality) VALUES ('1.2.3.1', '1.2.3', 'MR');
                INSERT INTO instance (id, sopInstanceUID, headerDigest, seriesInstanceUID, firstSubmissionId)
                    VALUES (7, '1.2.3.1.1', 'd1', '1.2.3.1', 'first');
                INSERT INTO file (submissionId, path, size, contentHash, role, instanceRowID) VALUES
                    ('first', 'IM1', 1000, 'h1', 'dicom', 7), ('again', 'IM1', 1000, 'h1', 'dicom', 7),
                    ('again', 'REPORT.PDF', 10, 'h2', 'document', NULL);
                INSERT INTO finding (submissionId, severity, code, message, path, uid) VALUES
                    ('again', 'info', 'duplicate-identical', 'already cataloged from submission first', 'IM1', '1.2.3.1.1');
            """)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let catalog = try SQLiteCatalog(path: path)
        #expect(try await catalog.linkedDuplicatePaths("again") == ["IM1"])
        #expect(try await catalog.linkedDuplicatePaths("first") == [])
        let kept = try await catalog.catalogedSubmissions()
        #expect(kept.map { $0.files.map(\.path) } == [["REPORT.PDF"], ["IM1"]])
    }

    /// Two studies whose levels only their series name, as the catalog held them before their level
    /// rows had their study: the same SQL in both dialects.
    static let seriesLevelRows = """
        INSERT INTO submission (id, receivedAt, source, status, priority) VALUES
            ('first', '2024-01-01T00:00:00Z', '/inbox/a', 'accepted', 'routine');
        INSERT INTO patient (id, patientID, issuerOfPatientID, nameKey, patientBirthDate)
            VALUES (1, 'P1', '', 'DOE^JANE', '19640312');
        INSERT INTO study (studyInstanceUID, patientRowID) VALUES ('1.2.3', 1), ('1.2.4', 1);
        INSERT INTO submissionStudy (submissionId, studyInstanceUID) VALUES ('first', '1.2.3'), ('first', '1.2.4');
        INSERT INTO series (seriesInstanceUID, studyInstanceUID, modality) VALUES
            ('1.2.3.1', '1.2.3', 'MR'), ('1.2.4.1', '1.2.4', 'MR');
        INSERT INTO seriesLevel (seriesInstanceUID, level) VALUES ('1.2.3.1', 'C5-C6'), ('1.2.4.1', 'C2');
        """

    /// Each of the two studies found by the level its series names.
    static func expectStudiesBySeriesLevel(_ catalog: any Catalog) async throws {
        for (level, study) in [("C5-C6", "1.2.3"), ("C2", "1.2.4")] {
            let found = try await catalog.studies(matching: CatalogQuery(levels: [level]))
            #expect(found.map(\.studyInstanceUID) == [study], "\(level)")
        }
    }

    @Test("v6 gives every series' level row its study, so a study search by level finds a level named only by a series")
    func seriesLevelStudy() async throws {
        let path = try await Self.catalog(upTo: "v5-file-linked", holding: Self.seriesLevelRows)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try await Self.expectStudiesBySeriesLevel(try SQLiteCatalog(path: path))
    }

    @Test("pg2 gives every series' level row of a PostgreSQL catalog its study")
    func postgresSeriesLevelStudy() async throws {
        let url = try TestPostgres.makeDatabase()
        defer { TestPostgres.dropDatabase(url) }
        // The catalog as pg1 left it.
        let first = PostgresSchema.migrations[0]
        for statement in first.statements { _ = try TestPostgres.query(url, statement) }
        _ = try TestPostgres.query(url, """
            CREATE TABLE schemaMigration (name TEXT PRIMARY KEY, appliedAt TIMESTAMPTZ NOT NULL);
            INSERT INTO schemaMigration VALUES ('\(first.name)', now());
            """ + Self.seriesLevelRows)
        let catalog = try await CatalogLocation.parse(url).open()
        try await Self.expectStudiesBySeriesLevel(catalog)
        #expect(try TestPostgres.query(url, "SELECT count(*) FROM seriesLevel WHERE studyInstanceUID IS NULL") == ["0"])
        await catalog.close()
    }
}
