import Foundation
import GRDB
import Testing

@testable import StudyCatalog

@Suite("Migrating a catalog written by an earlier version")
struct MigrationTests {
    @Test("v3 keeps every row of a v2 catalog; its instances are never taken for identical to new ones")
    func fromVersion2() throws {
        let folder = NSTemporaryDirectory() + "studyintake-migration-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/catalog.sqlite"
        // A catalog as the previous version left it: schema up to v2, one submission of one instance.
        do {
            let queue = try DatabaseQueue(path: path)
            try CatalogSchema.migrator.migrate(queue, upTo: "v2-submission-requester")
            try queue.write { db in
                try db.execute(
                    sql: """
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
            }
        }

        let catalog = try Catalog(path: path)
        #expect(try catalog.submissionStatus("old") == .accepted)
        let kept = try catalog.catalogedSubmissions()
        #expect(kept.first?.files.map(\.path) == ["DICOM/IM1"])
        #expect(kept.first?.files.first?.contentHash == "abc123")
        #expect(kept.first?.files.first?.headerDigest == "whole-file-sha256:abc123")
        #expect(kept.first?.filesInPlace == false)

        // The same SOPInstanceUID again: a conflict, kept apart, never linked to the old row.
        var resent = CatalogTests.submission(id: "new", study: "1.2.3", series: 1)
        resent.instances[0].sopInstanceUID = "1.2.3.1.1"
        let findings = try catalog.record(resent)
        #expect(findings.map(\.code) == ["duplicate-conflict"])
    }
}
