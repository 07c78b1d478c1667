import Foundation
import Testing

@Suite("Odd files through the built intake and the crosscheck")
struct OddFileCommandTests {
    static let oddFiles = URL(fileURLWithPath: IntakeProcess.sampleStudies).deletingLastPathComponent()
        .appendingPathComponent("Tests/OddFiles").path

    /// The loose odd files (not the discs) as one drop in a fresh folder.
    private func looseFilesDrop(in root: String) throws -> String {
        let drop = root + "/drop"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.oddFiles) where name.hasSuffix(".dcm") {
            try FileManager.default.copyItem(atPath: Self.oddFiles + "/" + name, toPath: drop + "/" + name)
        }
        return drop
    }

    private func findings(_ outcome: IntakeProcess.Outcome) throws -> [[String: Any]] {
        let reports = try #require(try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [[String: Any]])
        return try #require(reports.first?["findings"] as? [[String: Any]])
    }

    @Test("Every odd file is cataloged: damaged ones marked, UIDs as sent, each oddity a finding")
    func ingestOddFiles() throws {
        let home = IngestQueryCommandTests.Home()
        defer { home.remove() }
        let drop = try looseFilesDrop(in: home.path + "-drop")
        defer { try? FileManager.default.removeItem(atPath: home.path + "-drop") }
        let ingest = try IntakeProcess.run(["ingest", "--home", home.path, "--format", "json", drop])
        #expect(ingest.status == 1, "the damaged files are errors: \(ingest.standardError)")
        let found = try findings(ingest)
        func paths(_ code: String) -> Set<String> {
            Set(found.filter { $0["code"] as? String == code }.compactMap { $0["path"] as? String })
        }
        // The one file whose declared syntax DCMTK does not know and whose bytes read as no element.
        #expect(paths("unreadable-dicom") == ["declared-unknown-deflated.dcm"])
        #expect(paths("truncated") == ["truncated-after-uids.dcm", "truncated-rt-plan.dcm"])
        #expect(paths("stray-item") == ["stray-item-before-uids.dcm"])
        #expect(
            paths("transfer-syntax-mismatch") == [
                "declared-big-encoded-little.dcm", "declared-explicit-encoded-implicit.dcm",
                "declared-implicit-encoded-explicit.dcm",
            ])
        #expect(paths("charset-suspect") == ["gbk-under-ir100.dcm", "shift-jis-under-ir13.dcm", "utf8-undeclared.dcm"])
        #expect(paths("invalid-uid") == ["uid-with-spaces.dcm", "uid-without-spaces.dcm"])

        let query = try IntakeProcess.run(["query", "instances", "--home", home.path, "--format", "json"])
        #expect(query.status == 0)
        let instances = try #require(try JSONSerialization.jsonObject(with: query.standardOutput) as? [[String: Any]])
        #expect(instances.count == 14, "every file, the damaged ones too")
        let syntaxes = Set(instances.compactMap { $0["TransferSyntaxUID"] as? String })
        #expect(syntaxes.isSuperset(of: ["1.2.840.10008.1.2.4.111", "1.2.840.10008.1.2.4.201"]))
        let uids = Set(instances.compactMap { $0["SOPInstanceUID"] as? String })
        #expect(uids.isSuperset(of: ["REM SAMPLES 1", "REMSAMPLES1"]))
        let damaged = instances.filter { $0["damage"] != nil }.compactMap { $0["path"] as? String }.sorted()
        #expect(damaged == ["truncated-after-uids.dcm", "truncated-rt-plan.dcm"])
    }

    @Test("A DICOMDIR's lower-level directory file is followed: every image is listed")
    func hierarchicalDICOMDIR() throws {
        let validate = try IntakeProcess.run(["validate", "--format", "json", Self.oddFiles + "/HIERARCHICAL"])
        let codes = try findings(validate).compactMap { $0["code"] as? String }
        #expect(!codes.contains("dicomdir-unlisted-file"), "\(codes)")
        #expect(!codes.contains("dicomdir-missing-file"))
        #expect(!codes.contains("dicomdir-structure"))
        #expect(!codes.contains("series-count-mismatch"))
    }

    @Test("Two discs in one drop: each DICOMDIR is the manifest of its own folder")
    func twoDiscs() throws {
        let validate = try IntakeProcess.run(["validate", "--format", "json", Self.oddFiles + "/TWO_DISCS"])
        let unlisted = try findings(validate).filter { $0["code"] as? String == "dicomdir-unlisted-file" }
        #expect(unlisted.compactMap { $0["path"] as? String } == ["CD2/DICOM/EXTRA"])
    }

    @Test("The crosscheck agrees with pydicom on every sample and odd file but where intake is right")
    func crosscheck() throws {
        let script = URL(fileURLWithPath: Self.oddFiles).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scripts/crosscheck").path
        let run = try IntakeProcess.run(
            [script, "--intake", IntakeProcess.executable.path, IntakeProcess.sampleStudies, Self.oddFiles],
            executable: "/usr/bin/env")
        #expect(run.status == 1, "\(run.standardError)")
        let differing = Set(
            run.text.split(separator: "\n").filter { $0.hasPrefix("  /") }
                .compactMap { $0.dropFirst(2).split(separator: " ").first.map(String.init) }
                .map { ($0 as NSString).lastPathComponent })
        // Decided in intake's favour (README, "Crosscheck"): text decoded as its bytes are, a
        // dataset read in the encoding its bytes have although the meta group says big endian, and
        // a syntax unknown to both over bytes that read as no element, an error that names it.
        #expect(
            differing == [
                "BAD_UTF8.dcm", "CP1252.dcm", "gbk-under-ir100.dcm", "utf8-undeclared.dcm",
                "declared-big-encoded-little.dcm", "declared-unknown-deflated.dcm",
            ])
        let summary = try #require(run.text.split(separator: "\n").last { $0.hasPrefix("crosscheck ") })
        #expect(summary.contains(" 6 differ"), "\(summary)")
    }
}
