import Foundation
import Testing

@Suite("kill -9 during intake ingest")
struct KillDuringIngestTests {
    @Test("After a kill at any moment and a restart, the store holds exactly the cataloged submissions")
    func killAndRestart() throws {
        let root = NSTemporaryDirectory() + "studyintake-kill-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let home = root + "/home"
        let drop = root + "/drop"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        for copy in 1...6 {
            try FileManager.default.copyItem(
                atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: drop + "/copy\(copy)")
        }
        // Kill points spread over the copy, the header reads and the commit.
        for delay in [0.02, 0.05, 0.08, 0.12, 0.2, 0.3] {
            let process = try IntakeProcess.start(["ingest", "--home", home, drop])
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        // The restart: any ingest recovers what the killed ones left.
        let restart = try IntakeProcess.run(["ingest", "--home", home, IntakeProcess.sampleStudies + "/CHARSETS"])
        #expect(restart.status == 0, "\(restart.standardError)")
        let stored = try FileManager.default.contentsOfDirectory(atPath: home + "/store")
        #expect(!stored.contains { $0.hasPrefix(".staging-") })
        for submission in stored {
            let show = try IntakeProcess.run(["show", "--home", home, submission])
            #expect(show.status == 0, "store/\(submission) is not in the catalog")
        }
        let stats = try IntakeProcess.run(["stats", "--home", home, "--format", "csv"])
        let submissions = stats.text.split(separator: "\n").first { $0.hasPrefix("submissions,") }
        #expect(submissions == "submissions,\(stored.count)")
    }
}
