import Foundation
import Intake
import StudyCatalog
import TestSupport
import Testing

@Suite("Ingesting the sample discs into a real catalog and store")
struct IngesterTests {
    static let sampleStudies = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SampleStudies").path

    /// The two catalogs an ingest writes to: the home's SQLite file, or a PostgreSQL database.
    enum Backend: String, CaseIterable, Sendable { case sqlite, postgres }

    /// A fresh intake home in a temporary folder, with its own catalog of `backend`; `remove()`
    /// deletes both.
    struct TemporaryHome {
        let home: IntakeHome
        let catalog: CatalogLocation

        init(_ backend: Backend) throws {
            home = IntakeHome(path: NSTemporaryDirectory() + "studyintake-home-" + UUID().uuidString)
            switch backend {
            case .sqlite: catalog = .sqlite(path: home.catalogPath)
            case .postgres: catalog = try CatalogLocation.parse(TestPostgres.makeDatabase())
            }
        }

        func ingester() async throws -> Ingester {
            try await Ingester.open(home: home, catalog: catalog)
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: home.path)
            if case .postgres = catalog { TestPostgres.dropDatabase(catalog.description) }
        }
    }

    @Test("The cervical MRI disc: counts, levels of concern, series levels, stored copies", arguments: Backend.allCases)
    func cervicalMRI(backend: Backend) async throws {
        let temporary = try TemporaryHome(backend)
        defer { temporary.remove() }
        let ingester = try await temporary.ingester()
        let receipt = try await ingester.ingest(
            drop: Self.sampleStudies + "/CSPINE_MR",
            options: .init(note: "OPLL mostly between C3 and C4 and extended to C2", priority: .urgent))
        #expect(receipt.status == "accepted")
        let counts = receipt.counts
        let expected: [Int] = [49, 49, 0, 1, 1, 3, 48, 0]
        let actual: [Int] = [
            counts.files, counts.dicom, counts.nonDicom, counts.patients, counts.studies, counts.series,
            counts.instances, counts.duplicates,
        ]
        #expect(actual == expected)
        #expect(receipt.spinalLevels == ["C2", "C3-C4"])
        #expect(receipt.findings.isEmpty)
        let stored = receipt.storedAt + "/DICOM/ST000001/SE000003/IM000018"
        #expect(FileManager.default.fileExists(atPath: stored))
        let series = try await ingester.catalog.series(matching: CatalogQuery(levels: ["C3-C4"]))
        #expect(series.map(\.seriesDescription) == ["AX T2 C3-C4"])
        #expect(series.first?.plane == .axial)
        let folder = try FileManager.default.attributesOfItem(atPath: receipt.storedAt)
        #expect((folder[.posixPermissions] as? Int) == 0o700)
    }

    @Test("The same disc twice adds no study, series or instance and stores no byte twice", arguments: Backend.allCases)
    func sameDiscTwice(backend: Backend) async throws {
        let temporary = try TemporaryHome(backend)
        defer { temporary.remove() }
        let ingester = try await temporary.ingester()
        let first = try await ingester.ingest(drop: Self.sampleStudies + "/CSPINE_CT")
        let second = try await ingester.ingest(drop: Self.sampleStudies + "/CSPINE_CT")
        #expect(second.counts.duplicates == 43)
        #expect(
            second.findings.allSatisfy { $0.code == "duplicate-identical" && $0.message.contains(first.submissionId) })
        let studies = try await ingester.catalog.studies(matching: CatalogQuery())
        #expect(studies.count == 1)
        #expect(studies.first?.numberOfStudyRelatedInstances == 43)
        #expect(studies.first?.submissionIds.sorted() == [first.submissionId, second.submissionId].sorted())
        #expect(!FileManager.default.fileExists(atPath: second.storedAt + "/IMAGES/BONE_001.dcm"))
    }

    @Test("The troubled disc: every problem is a finding, nothing is lost", arguments: Backend.allCases)
    func troubledDisc(backend: Backend) async throws {
        let temporary = try TemporaryHome(backend)
        defer { temporary.remove() }
        let receipt = try await temporary.ingester().ingest(drop: Self.sampleStudies + "/TROUBLED")
        let codes = Set(receipt.findings.map(\.code))
        #expect(
            codes == [
                "truncated", "dicomdir-missing-file", "path-escape", "symlink-skipped", "dicomdir-unlisted-file",
                "duplicate-conflict", "series-count-mismatch", "review-readiness", "not-dicom", "missing-attribute",
            ])
        #expect(receipt.hasErrors)
        #expect(receipt.attachments == ["README.TXT", "REPORT.PDF"])
        #expect(receipt.counts.instances == 3)
        // Every regular file is kept, DICOM or not, the truncated one too.
        for path in ["AUTORUN.INF", "VIEWER/VIEWER.EXE", "REPORT.PDF", ".DS_Store", "DICOM/IM000003"] {
            #expect(FileManager.default.fileExists(atPath: receipt.storedAt + "/" + path), "\(path)")
        }
        #expect(!FileManager.default.fileExists(atPath: receipt.storedAt + "/DICOM/LINKED"))
    }

    @Test("Two patients on one disc; a name in undeclared Latin-1 is still the same person", arguments: Backend.allCases)
    func identity(backend: Backend) async throws {
        let temporary = try TemporaryHome(backend)
        defer { temporary.remove() }
        let receipt = try await temporary.ingester().ingest(drop: Self.sampleStudies + "/TWO_PATIENTS")
        #expect(receipt.counts.patients == 2)
        #expect(receipt.findings.contains { $0.code == "multiple-patients" })
        #expect(receipt.findings.filter { $0.code == "charset-suspect" }.count == 2)
        #expect(!receipt.findings.contains { $0.code == "identity-conflict" })
    }

    @Test("One PatientID with another name on the same disc is an identity conflict, not a merge", arguments: Backend.allCases)
    func identityConflict(backend: Backend) async throws {
        let temporary = try TemporaryHome(backend)
        defer { temporary.remove() }
        let drop = temporary.home.path + "-drop"
        defer { try? FileManager.default.removeItem(atPath: drop) }
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        let original = try #require(
            FileManager.default.contents(atPath: Self.sampleStudies + "/CSPINE_CT/IMAGES/BONE_001.dcm"))
        try original.write(to: URL(fileURLWithPath: drop + "/A.dcm"))
        // The same PatientID, a different name of the same length: another person, or a typo.
        var renamed = original
        let name = try #require(renamed.range(of: Data("ROE^RICHARD^A".utf8)))
        renamed.replaceSubrange(name, with: Data("ROE^RICHARD^B".utf8))
        try renamed.write(to: URL(fileURLWithPath: drop + "/B.dcm"))
        let ingester = try await temporary.ingester()
        let receipt = try await ingester.ingest(drop: drop)
        #expect(receipt.counts.patients == 2)
        #expect(receipt.findings.contains { $0.code == "identity-conflict" && $0.message.contains("CT-88213") })
        #expect(receipt.findings.contains { $0.code == "multiple-patients" })
        #expect(try await ingester.catalog.studies(matching: CatalogQuery(patientID: "CT-88213")).count == 1)
    }

    @Test("An interrupted ingest leaves nothing the catalog does not know; the next run cleans up", arguments: Backend.allCases)
    func interrupted(backend: Backend) async throws {
        let temporary = try TemporaryHome(backend)
        defer { temporary.remove() }
        let ingester = try await temporary.ingester()
        let kept = try await ingester.ingest(drop: Self.sampleStudies + "/CHARSETS")
        // What a kill during the copy leaves: a staging folder the catalog never heard of.
        let orphan = temporary.home.storePath + "/.staging-20990101-000000-dead00"
        try FileManager.default.createDirectory(atPath: orphan + "/DICOM", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: orphan + "/DICOM/IM1", contents: Data([1, 2, 3])))
        // What a kill after the commit leaves: the catalog has it, the rename did not happen.
        try FileManager.default.moveItem(
            atPath: kept.storedAt, toPath: temporary.home.storePath + "/.staging-" + kept.submissionId)
        _ = try await temporary.ingester()
        let names = try FileManager.default.contentsOfDirectory(atPath: temporary.home.storePath)
        #expect(names == [kept.submissionId])
        #expect(FileManager.default.fileExists(atPath: kept.storedAt + "/UTF8.dcm"))
    }

    @Test("--in-place indexes the files where they are and copies nothing", arguments: Backend.allCases)
    func inPlace(backend: Backend) async throws {
        let temporary = try TemporaryHome(backend)
        defer { temporary.remove() }
        let receipt = try await temporary.ingester().ingest(
            drop: Self.sampleStudies + "/ENCODINGS", options: .init(inPlace: true))
        #expect(receipt.storedAt == Self.sampleStudies + "/ENCODINGS")
        #expect(receipt.counts.instances == 10)
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.home.storePath).isEmpty)
    }
}
