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
            "validate", "--format", "json", "--jobs", "1", IntakeProcess.sampleStudies + "/CSPINE_MR",
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
                "duplicate-conflict", "series-count-mismatch", "review-readiness", "not-dicom", "missing-attribute",
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

    /// Runs `intake validate --format json` and returns the findings' codes and messages.
    private func findings(_ arguments: [String]) throws -> (status: Int32, codes: [String], messages: [String]) {
        let outcome = try IntakeProcess.run(["validate", "--format", "json"] + arguments)
        let report = try #require(
            (try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [[String: Any]])?.first)
        let findings = report["findings"] as? [[String: Any]] ?? []
        return (
            outcome.status, findings.compactMap { $0["code"] as? String },
            findings.compactMap { $0["message"] as? String }
        )
    }

    @Test("A missing slice is a series gap, in numbers and in spacing, and a DICOMDIR count mismatch")
    func seriesGap() throws {
        let root = NSTemporaryDirectory() + "studyintake-gap-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_MR", toPath: root)
        try FileManager.default.removeItem(atPath: root + "/DICOM/ST000001/SE000003/IM000009")
        let result = try findings(["--rules", "none", root])
        #expect(result.codes.filter { $0 == "series-gap" }.count == 2)
        #expect(result.messages.contains("InstanceNumber 9 missing (1 of 18)"))
        #expect(result.messages.contains("slices are 8.0 mm apart where the series is spaced 4.0 mm"))
        #expect(result.codes.contains("series-count-mismatch"))
        #expect(result.codes.contains("dicomdir-missing-file"))
        #expect(result.status == 1)
    }

    @Test("Instances of one study that disagree on its attributes are flagged, by keyword only")
    func studyAttributeConflict() throws {
        let root = NSTemporaryDirectory() + "studyintake-conflict-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: root)
        let file = root + "/IMAGES/SOFT_001.dcm"
        var data = try #require(FileManager.default.contents(atPath: file))
        let accession = try #require(data.range(of: Data("CT0302-17".utf8)))
        data.replaceSubrange(accession, with: Data("CT0302-99".utf8))
        try data.write(to: URL(fileURLWithPath: file))
        let result = try findings(["--rules", "none", root])
        #expect(result.codes == ["study-attribute-conflict"])
        #expect(result.messages == ["instances of one study disagree on AccessionNumber"])
    }

    @Test("Review readiness: a cervical disc without an axial T2 is told so; --rules none skips it")
    func reviewReadiness() throws {
        let root = NSTemporaryDirectory() + "studyintake-ready-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_MR", toPath: root)
        try FileManager.default.removeItem(atPath: root + "/DICOM/ST000001/SE000003")
        try FileManager.default.removeItem(atPath: root + "/DICOMDIR")
        let result = try findings([root])
        #expect(result.codes == ["review-readiness"])
        #expect(result.messages == ["No axial T2-weighted MRI of the cervical spine was found on this disc"])
        #expect(result.status == 0)
        #expect(try findings(["--rules", "none", root]).codes.isEmpty)
        // The CT disc has a bone kernel and a sagittal reformat: ready.
        #expect(try findings([IntakeProcess.sampleStudies + "/CSPINE_CT"]).codes.isEmpty)
    }

    @Test("Missing attributes, invalid UIDs and invalid dates are warnings")
    func valueRules() throws {
        let root = NSTemporaryDirectory() + "studyintake-values-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: root)
        let file = root + "/IMAGES/SCOUT"
        var data = try #require(FileManager.default.contents(atPath: file))
        // (0010,0020) PatientID becomes a private (0011,0020): the PatientID is gone.
        let patientID = try #require(data.range(of: Data([0x10, 0x00, 0x20, 0x00, 0x4C, 0x4F])))
        data[patientID.lowerBound] = 0x11
        // StudyDate 20240302 becomes month 13 (the acquisition date too: same bytes, first one only).
        let date = try #require(data.range(of: Data("20240302".utf8)))
        data.replaceSubrange(date, with: Data("20241302".utf8))
        try data.write(to: URL(fileURLWithPath: file))
        let result = try findings(["--rules", "none", root])
        #expect(result.status == 0)
        #expect(result.messages.contains("no PatientID"))
        #expect(result.messages.contains("StudyDate is not a DICOM date (YYYYMMDD)"))
        #expect(Set(result.codes).isSuperset(of: ["missing-attribute", "invalid-date", "study-attribute-conflict"]))
        #expect(try findings(["--rules", "none", IntakeProcess.sampleStudies + "/CSPINE_CT"]).codes.isEmpty)
    }
}
