import Foundation
import Testing

@Suite("Reading limits: each exceeded limit is a finding")
struct LimitTests {
    /// The limit-exceeded findings of `intake validate` with `options`, by folder name.
    private func limitFindings(_ options: [String], _ folders: [String]) throws -> [String: [[String: Any]]] {
        let outcome = try IntakeProcess.run(
            ["validate", "--format", "json"] + options + folders.map { IntakeProcess.sampleStudies + "/" + $0 })
        #expect(outcome.status == 0 || outcome.status == 1, "\(outcome.standardError)")
        let reports = try #require(try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [[String: Any]])
        var result: [String: [[String: Any]]] = [:]
        for report in reports {
            let name = ((report["path"] as? String) ?? "").split(separator: "/").last.map(String.init) ?? ""
            let findings = (report["findings"] as? [[String: Any]]) ?? []
            result[name] = findings.filter { $0["code"] as? String == "limit-exceeded" }
        }
        return result
    }

    @Test("Header bytes: a DICOMDIR larger than the limit")
    func headerBytes() throws {
        let found = try limitFindings(["--max-header-bytes", "2048"], ["CSPINE_MR"])
        #expect(found["CSPINE_MR"]?.count == 1)
        #expect(found["CSPINE_MR"]?.first?["path"] as? String == "DICOMDIR")
    }

    @Test("Files per submission: the folder is refused unread")
    func filesPerSubmission() throws {
        let found = try limitFindings(["--max-files", "3"], ["CSPINE_MR", "CHARSETS"])
        #expect(found["CSPINE_MR"]?.count == 1)
        #expect((found["CSPINE_MR"]?.first?["message"] as? String)?.contains("more than 3 files") == true)
    }

    @Test("DICOMDIR records")
    func directoryRecords() throws {
        let found = try limitFindings(["--max-dicomdir-records", "2"], ["CSPINE_MR"])
        #expect((found["CSPINE_MR"]?.first?["message"] as? String)?.contains("directory records") == true)
    }

    @Test("Sequence depth: the enhanced MR's functional groups nest two deep")
    func sequenceDepth() throws {
        let shallow = try limitFindings(["--max-sequence-depth", "1"], ["ENCODINGS"])
        #expect(shallow["ENCODINGS"]?.map { $0["path"] as? String } == ["ENHANCED_MR.dcm"])
        let deepEnough = try limitFindings(["--max-sequence-depth", "2"], ["ENCODINGS"])
        #expect(deepEnough["ENCODINGS"]?.isEmpty == true)
    }

    @Test("Ingest quarantines a drop over the file limit without copying a file; the drop is untouched")
    func ingestOverFileLimit() throws {
        let home = IngestQueryCommandTests.Home()
        defer { home.remove() }
        let drop = IntakeProcess.sampleStudies + "/CSPINE_CT"
        let before = try FileManager.default.subpathsOfDirectory(atPath: drop).sorted()
        let outcome = try IntakeProcess.run([
            "ingest", "--home", home.path, "--max-files", "5", "--format", "json", drop,
        ])
        #expect(outcome.status == 1)
        let receipt = try #require(
            (try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [[String: Any]])?.first)
        #expect(receipt["status"] as? String == "quarantined")
        let id = try #require(receipt["submissionId"] as? String)
        let kept = try FileManager.default.contentsOfDirectory(atPath: home.path + "/quarantine/" + id)
        #expect(kept == ["REPORT.json"])
        #expect(try FileManager.default.subpathsOfDirectory(atPath: drop).sorted() == before)
    }
}
