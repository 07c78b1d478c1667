import Foundation
import TestSupport
import Testing

@Suite("Mutated headers through validate and ingest", .serialized)
struct MutationTests {
    static let drops = 10
    static let filesPerDrop = 220

    /// Writes the mutated drops once: 2,200 files from every sample DICOM file, fixed seed.
    static func makeDrops() throws -> String {
        let root = NSTemporaryDirectory() + "studyintake-mutations-" + UUID().uuidString
        let sources = try Mutator.sources(inSampleStudies: IntakeProcess.sampleStudies)
        #expect(sources.count > 20)
        let mutants = Mutator.mutants(of: sources, count: drops * filesPerDrop)
        for drop in 0..<drops {
            let folder = root + "/DROP\(drop)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for index in 0..<filesPerDrop {
                try Data(mutants[drop * filesPerDrop + index]).write(to: URL(fileURLWithPath: folder + "/M\(index).dcm"))
            }
        }
        return root
    }

    /// Every file of each report is accounted for: read as DICOM, or named by a finding.
    private func expectEveryFileAccounted(_ reports: [[String: Any]]) {
        #expect(reports.count == Self.drops)
        // The damage is varied: some files still read, others do not.
        let totals = reports.compactMap { $0["counts"] as? [String: Int] }
        #expect(totals.map { $0["dicom"] ?? 0 }.reduce(0, +) > 200)
        #expect(totals.map { $0["nonDicom"] ?? 0 }.reduce(0, +) > 200)
        // The codes of files not read at all (a damaged header that was read is `truncated` or
        // `parse-stopped`, and counts as DICOM).
        let fileCodes: Set<String> = ["not-dicom", "unreadable-dicom", "limit-exceeded"]
        for report in reports {
            let counts = report["counts"] as? [String: Int] ?? [:]
            #expect(counts["files"] == Self.filesPerDrop)
            #expect((counts["dicom"] ?? 0) + (counts["nonDicom"] ?? 0) == Self.filesPerDrop)
            let findings = report["findings"] as? [[String: Any]] ?? []
            let unreadPaths = Set(
                findings.filter { fileCodes.contains($0["code"] as? String ?? "") }.compactMap { $0["path"] as? String }
            )
            #expect(unreadPaths.count == counts["nonDicom"], "\(report["path"] ?? "")")
        }
    }

    @Test(
        "2,200 mutated files: validate and ingest never die, every file is a value or a finding, memory stays bounded")
    func mutatedDrops() throws {
        let root = try Self.makeDrops()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folders = (0..<Self.drops).map { root + "/DROP\($0)" }

        let (validate, validatePeak) = try IntakeProcess.runMeasuringPeakMemory(
            ["validate", "--format", "json", "--rules", "none"] + folders)
        #expect(validate.status == 0 || validate.status == 1, "\(validate.standardError)")
        expectEveryFileAccounted(
            try #require(try JSONSerialization.jsonObject(with: validate.standardOutput) as? [[String: Any]]))

        let home = IngestQueryCommandTests.Home()
        defer { home.remove() }
        let (ingest, ingestPeak) = try IntakeProcess.runMeasuringPeakMemory(
            ["ingest", "--home", home.path, "--format", "json"] + folders)
        #expect(ingest.status == 0 || ingest.status == 1, "\(ingest.standardError)")
        expectEveryFileAccounted(
            try #require(try JSONSerialization.jsonObject(with: ingest.standardOutput) as? [[String: Any]]))
        let check = try IntakeProcess.run(["check", "--home", home.path])
        #expect(check.status == 0, "\(check.text)")

        // The intake's own peak RSS: no claim of gigabytes was honoured.
        for peak in [validatePeak, ingestPeak] {
            #expect(peak > 10 * 1024, "measured")
            #expect(peak < 400 * 1024)
        }
    }
}
