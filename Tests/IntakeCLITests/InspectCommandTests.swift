import Foundation
import Testing

@Suite("intake inspect, run as a program")
struct InspectCommandTests {
    private func json(_ arguments: [String]) throws -> [[String: Any]] {
        let outcome = try IntakeProcess.run(["inspect", "--format", "json"] + arguments)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let parsed = try JSONSerialization.jsonObject(with: outcome.standardOutput)
        return try #require(parsed as? [[String: Any]])
    }

    @Test("A disc with a DICOMDIR: every file, with DICOM keywords as keys")
    func cervicalMRDisc() throws {
        let entries = try json([IntakeProcess.sampleStudies + "/CSPINE_MR"])
        #expect(entries.count == 49)
        let image = try #require(entries.first { ($0["path"] as? String)?.hasSuffix("SE000003/IM000009") == true })
        #expect(image["PatientName"] as? String == "DOE^JANE")
        #expect(image["Modality"] as? String == "MR")
        #expect(image["SeriesDescription"] as? String == "AX T2 C3-C4")
        #expect(image["ImageComments"] as? String == "OPLL C3-C4 suspected")
        #expect(image["plane"] as? String == "axial")
        #expect(image["SeriesNumber"] as? Int == 3)
        #expect(image["RepetitionTime"] as? Double == 4000)
        #expect(image["ImageType"] as? [String] == ["ORIGINAL", "PRIMARY", "M", "ND"])
        #expect((image["ImagePositionPatient"] as? [Double])?.count == 3)
        #expect(image["StudyInstanceUID"] is String)
        #expect(image["error"] == nil)
        #expect(image["Laterality"] == nil)
    }

    @Test("A person name is one string with its component groups")
    func japaneseName() throws {
        let entries = try json([IntakeProcess.sampleStudies + "/TWO_PATIENTS/PATIENT2/IM1"])
        #expect(entries.count == 1)
        #expect(entries.first?["PatientName"] as? String == "Yamada^Tarou=山田^太郎=やまだ^たろう")
    }

    @Test("A troubled disc still exits 0 and says what each problem file is")
    func troubledDisc() throws {
        let entries = try json([IntakeProcess.sampleStudies + "/TROUBLED"])
        var codes: [String: String] = [:]
        for entry in entries {
            if let path = entry["path"] as? String, let code = entry["errorCode"] as? String {
                codes[String(path.dropFirst(IntakeProcess.sampleStudies.count + 1))] = code
            }
        }
        // The truncated file keeps what came before the cut, and says where it was cut.
        let truncated = entries.first { ($0["path"] as? String)?.hasSuffix("TROUBLED/DICOM/IM000003") == true }
        let issues = truncated?["readIssues"] as? [[String: Any]]
        #expect(issues?.first?["kind"] as? String == "truncated")
        #expect(truncated?["PatientID"] as? String == "TR-404")
        #expect(codes["TROUBLED/AUTORUN.INF"] == "not-dicom")
        #expect(codes["TROUBLED/REPORT.PDF"] == "not-dicom")
        #expect(codes["TROUBLED/DICOM/LINKED"] == "symlink-not-followed")
        #expect(codes["TROUBLED/DICOMDIR → DICOM\\IM000004"] == "dicomdir-missing-file")
        #expect(codes["TROUBLED/DICOMDIR → ..\\CSPINE_CT\\IMAGES\\SCOUT"] == "path-escape")
        #expect(entries.filter { $0["SOPInstanceUID"] != nil }.count == 4)
    }

    @Test("DCMTK's complaints about broken files go through the log, not raw to stderr")
    func quietStderr() throws {
        let outcome = try IntakeProcess.run(["inspect", IntakeProcess.sampleStudies + "/TROUBLED"])
        #expect(outcome.status == 0)
        #expect(outcome.standardError.isEmpty)
        // A file cut inside an element: DCMTK's "premature end of stream" comes through the log.
        let verbose = try IntakeProcess.run([
            "inspect", "--log-level", "debug", IntakeProcess.sampleStudies + "/TROUBLED",
            OddFileCommandTests.oddFiles + "/truncated-after-uids.dcm",
        ])
        #expect(verbose.standardError.contains("studyintake.dcmtk"))
        #expect(verbose.standardError.contains("premature end of stream"))
        #expect(!verbose.standardError.contains("POE"))
    }

    @Test("A missing DCMTK data dictionary is an environment error that says what to do")
    func missingDictionary() throws {
        let outcome = try IntakeProcess.run(
            ["inspect", IntakeProcess.sampleStudies + "/CSPINE_CT"],
            environment: ["DCMDICTPATH": "/nonexistent/dicom.dic"])
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.standardError.contains("data dictionary"))
        #expect(outcome.standardError.contains("DCMDICTPATH"))
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }

    @Test("The text format prints one Keyword: value line per attribute")
    func textFormat() throws {
        let outcome = try IntakeProcess.run(["inspect", IntakeProcess.sampleStudies + "/CSPINE_CT/IMAGES/SCOUT"])
        #expect(outcome.status == 0)
        #expect(outcome.text.contains("  PatientName: ROE^RICHARD^A\n"))
        #expect(outcome.text.contains("  ImageType: ORIGINAL\\PRIMARY\\LOCALIZER\n"))
        #expect(outcome.standardError.isEmpty)
    }

    @Test("A path that does not exist is a usage error: exit 2, one line on stderr")
    func missingPath() throws {
        let outcome = try IntakeProcess.run(["inspect", "/nonexistent/disc"])
        #expect(outcome.status == 2)
        #expect(outcome.standardOutput.isEmpty)
        #expect(outcome.standardError == "intake: no such file or folder: /nonexistent/disc\n")
    }

    @Test("An unknown format is a usage error")
    func badFormat() throws {
        let outcome = try IntakeProcess.run(["inspect", "--format", "xml", IntakeProcess.sampleStudies])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }
}
