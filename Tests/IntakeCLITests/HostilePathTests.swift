import Foundation
import Testing

@Suite("Hostile paths: nothing outside the drop is ever read")
struct HostilePathTests {
    @Test("Links out of the drop are skipped; spaces, newlines and non-UTF-8 bytes in names are handled")
    func hostileDrop() throws {
        let base = NSTemporaryDirectory() + "studyintake-paths-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        let drop = base + "/drop"
        let outside = base + "/outside"
        try FileManager.default.createDirectory(atPath: drop + "/IMAGES", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        let ct = IntakeProcess.sampleStudies + "/CSPINE_CT/IMAGES/"
        // Another patient's file, outside the drop: it must never be read.
        let secret = outside + "/SECRET.dcm"
        try FileManager.default.copyItem(
            atPath: IntakeProcess.sampleStudies + "/TWO_PATIENTS/PATIENT1/MR/IM1", toPath: secret)
        try FileManager.default.copyItem(
            atPath: IntakeProcess.sampleStudies + "/TWO_PATIENTS/PATIENT1/MR/IM2", toPath: outside + "/ALSO.dcm")

        try FileManager.default.copyItem(atPath: ct + "BONE_001.dcm", toPath: drop + "/IMAGES/BONE 1.dcm")
        try FileManager.default.copyItem(atPath: ct + "BONE_002.dcm", toPath: drop + "/IMAGES/BONE\n2.dcm")
        #expect(link(secret, drop + "/IMAGES/HARD.dcm") == 0)
        try FileManager.default.createSymbolicLink(atPath: drop + "/IMAGES/SOFT.dcm", withDestinationPath: secret)
        try FileManager.default.createSymbolicLink(atPath: drop + "/LINKED", withDestinationPath: outside)
        // A name that is not UTF-8 (Latin-1 "É"): created byte by byte.
        let latin1Name: [UInt8] = Array((drop + "/IMAGES/").utf8) + [0xC9] + Array("3.dcm".utf8) + [0]
        let descriptor = latin1Name.withUnsafeBufferPointer { name in
            name.baseAddress!.withMemoryRebound(to: CChar.self, capacity: name.count) {
                open($0, O_WRONLY | O_CREAT | O_EXCL, 0o600)
            }
        }
        #expect(descriptor >= 0)
        let copy = try Data(contentsOf: URL(fileURLWithPath: ct + "BONE_003.dcm"))
        _ = copy.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)

        let home = IngestQueryCommandTests.Home()
        defer { home.remove() }
        let ingest = try IntakeProcess.run(["ingest", "--home", home.path, "--format", "json", drop])
        #expect(ingest.status == 0 || ingest.status == 1, "\(ingest.standardError)")
        let receipt = try #require(
            (try JSONSerialization.jsonObject(with: ingest.standardOutput) as? [[String: Any]])?.first)
        let counts = try #require(receipt["counts"] as? [String: Int])
        #expect(counts["instances"] == 2)
        #expect(counts["patients"] == 1)
        let findings = (receipt["findings"] as? [[String: Any]]) ?? []
        let byCode = Dictionary(grouping: findings) { $0["code"] as? String ?? "" }
        #expect(byCode["hard-link-skipped"]?.map { $0["path"] as? String } == ["IMAGES/HARD.dcm"])
        #expect(
            Set(byCode["symlink-skipped"]?.compactMap { $0["path"] as? String } ?? []) == ["IMAGES/SOFT.dcm", "LINKED"])
        #expect(byCode["undecodable-name"]?.count == 1)

        // The other patient is nowhere in the catalog, and the store holds only the drop's own files.
        let studies = try IntakeProcess.run(["query", "studies", "--home", home.path, "--format", "json"])
        #expect(studies.status == 0, "\(studies.standardError)")
        let listed = try JSONSerialization.jsonObject(with: studies.standardOutput) as? [[String: Any]]
        #expect(listed?.count == 1)
        #expect(!studies.text.contains("445566"))
        let id = try #require(receipt["submissionId"] as? String)
        let stored = try FileManager.default.subpathsOfDirectory(atPath: home.path + "/store/" + id).sorted()
        #expect(stored == ["IMAGES", "IMAGES/BONE\n2.dcm", "IMAGES/BONE 1.dcm"])
        #expect(try IntakeProcess.run(["check", "--home", home.path]).status == 0)
    }

    @Test("A drop that is itself a symbolic link is refused, with or without a trailing slash")
    func symlinkedDrop() throws {
        let base = NSTemporaryDirectory() + "studyintake-paths-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: base) }
        try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: base + "/drop", withDestinationPath: IntakeProcess.sampleStudies + "/CSPINE_CT")
        for path in [base + "/drop", base + "/drop/"] {
            let outcome = try IntakeProcess.run(["validate", path])
            #expect(outcome.status == 2)
            #expect(outcome.standardError.contains("symbolic links are not followed"))
        }
    }
}
