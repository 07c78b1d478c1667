import Foundation
import Testing

@Suite("intake validate, run as a program")
struct ValidateCommandTests {
    /// Every entry below `root` with its size, modification time and content, to prove nothing changed.
    private func fingerprint(_ root: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for entry in try FileManager.default.subpathsOfDirectory(atPath: root) {
            let path = root + "/" + entry
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let content = FileManager.default.contents(atPath: path).map { "\($0.hashValue)" } ?? "-"
            result[entry] = "\(attributes[.size] ?? 0) \(attributes[.modificationDate] ?? "") \(content)"
        }
        return result
    }

    @Test("A clean disc is valid, exit 0; the JSON has path, status, counts and findings")
    func cleanDisc() throws {
        let outcome = try IntakeProcess.run([
            "validate", "--format", "json", IntakeProcess.sampleStudies + "/CSPINE_MR",
        ])
        #expect(outcome.status == 0)
        let reports = try #require(try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [[String: Any]])
        let report = try #require(reports.first)
        #expect(Set(report.keys) == ["path", "status", "counts", "findings"])
        #expect(report["status"] as? String == "valid")
        let counts = try #require(report["counts"] as? [String: Int])
        #expect(
            counts == [
                "files": 49, "dicom": 49, "nonDicom": 0, "patients": 1, "studies": 1, "series": 3, "instances": 48,
            ])
        #expect((report["findings"] as? [Any])?.isEmpty == true)
    }

    @Test("A troubled disc is invalid, exit 1, with each problem as a finding, and nothing is written")
    func troubledDiscReadOnly() throws {
        // A private copy, so that the proof of read-only covers every file the command saw.
        let root = NSTemporaryDirectory() + "studyintake-validate-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/TROUBLED", toPath: root + "/disc")
        let before = try fingerprint(root)
        let outcome = try IntakeProcess.run(["validate", "--format", "json", root + "/disc"])
        #expect(outcome.status == 1)
        #expect(try fingerprint(root) == before)
        let report = try #require(
            (try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [[String: Any]])?.first)
        #expect(report["status"] as? String == "invalid")
        let codes = Set((report["findings"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? [])
        #expect(
            codes == [
                "truncated", "dicomdir-missing-file", "path-escape", "symlink-skipped", "dicomdir-unlisted-file",
                "duplicate-conflict",
            ])
    }

    @Test("Charset and identity warnings leave a disc valid; the text groups findings by severity")
    func warningsOnly() throws {
        let outcome = try IntakeProcess.run(["validate", IntakeProcess.sampleStudies + "/TWO_PATIENTS"])
        #expect(outcome.status == 0)
        #expect(outcome.text.hasPrefix(IntakeProcess.sampleStudies + "/TWO_PATIENTS: valid"))
        #expect(outcome.text.contains("  warnings:\n    charset-suspect PATIENT1/CT/IM1:"))
        #expect(outcome.text.contains("multiple-patients"))
    }

    @Test("A PATH that is not a folder is exit 2, one line")
    func notAFolder() throws {
        let outcome = try IntakeProcess.run(["validate", IntakeProcess.sampleStudies + "/CHARSETS/UTF8.dcm"])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }
}
