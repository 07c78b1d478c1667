import Foundation
import TestSupport
import Testing

/// 100 kill -9 at random moments (fixed seed) of `intake ingest` and `intake watch`, each followed by
/// a restart: the catalog and the disk agree after every one, and nothing is lost or taken twice.
@Suite("100 kill -9 trials")
struct KillTrialTests {
    /// Starts `arguments`, kills it with SIGKILL after `delay`, and tells whether it was still running.
    private func killed(_ arguments: [String], after delay: Double) throws -> Bool {
        let process = try IntakeProcess.start(arguments)
        Thread.sleep(forTimeInterval: delay)
        let running = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return running && process.terminationReason == .uncaughtSignal
    }

    /// Seconds a full run of `arguments` takes: kills are spread over that span.
    private func duration(_ arguments: [String]) throws -> Double {
        let start = Date()
        let outcome = try IntakeProcess.run(arguments)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return Date().timeIntervalSince(start)
    }

    /// A folder holding three copies of the CT disc: 129 files, long enough a run to be killed in.
    private func threeDiscs(in root: String) throws -> String {
        let drop = root + "/threeDiscs"
        try FileManager.default.createDirectory(atPath: drop, withIntermediateDirectories: true)
        for copy in 1...3 {
            try FileManager.default.copyItem(
                atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: drop + "/copy\(copy)")
        }
        return drop
    }

    private func expectConsistent(_ home: String, trial: Int) throws {
        let check = try IntakeProcess.run(["check", "--home", home])
        #expect(check.status == 0, "trial \(trial): \(check.text)")
        let hidden = try FileManager.default.contentsOfDirectory(atPath: home + "/store").filter {
            $0.hasPrefix(".staging-") || $0.hasPrefix(".moving-")
        }
        #expect(hidden.filter { !$0.hasSuffix(".lock") }.isEmpty, "trial \(trial): \(hidden)")
    }

    @Test("50 kills of ingest, each followed by a restart")
    func ingest() throws {
        var random = SeededGenerator(state: 0x1A6E_5700)
        let home = IngestQueryCommandTests.Home()
        defer { home.remove() }
        let drop = try threeDiscs(in: home.path + "-drop")
        defer { try? FileManager.default.removeItem(atPath: home.path + "-drop") }
        let arguments = ["ingest", "--home", home.path, drop]
        // The shorter of two runs: a first run on a cold machine would spread the kills past the end.
        let span = min(try duration(arguments), try duration(arguments))
        var interrupted = 0
        for trial in 1...50 {
            if try killed(arguments, after: Double.random(in: 0...span, using: &random)) {
                interrupted += 1
            }
            // The restart recovers what the killed process left, then ingests a small disc itself.
            let restart = try IntakeProcess.run([
                "ingest", "--home", home.path, IntakeProcess.sampleStudies + "/ENCODINGS",
            ])
            #expect(restart.status == 0, "trial \(trial): \(restart.standardError)")
            try expectConsistent(home.path, trial: trial)
        }
        print("kill trials, ingest: \(interrupted) of 50 killed while running")
        // Most kills land mid-run (on a loaded machine a run can be quicker than the span measured).
        #expect(interrupted >= 20)
    }

    @Test("50 kills of watch, each followed by a restart: every drop taken exactly once")
    func watch() throws {
        var random = SeededGenerator(state: 0x3A7C_4000)
        let setup = try WatchCommandTests.Setup()
        defer { setup.remove() }
        let arguments = ["watch", "--once", "--inbox", setup.inbox, "--home", setup.home, "--settle", "0"]
        let discs = try threeDiscs(in: setup.root)
        try FileManager.default.copyItem(atPath: discs, toPath: setup.inbox + "/disc0")
        #expect(FileManager.default.createFile(atPath: setup.inbox + "/disc0/READY", contents: nil))
        let first = try duration(arguments)
        try FileManager.default.copyItem(atPath: discs, toPath: setup.inbox + "/disc-again")
        #expect(FileManager.default.createFile(atPath: setup.inbox + "/disc-again/READY", contents: nil))
        // The shorter of two runs: a first run on a cold machine would spread the kills past the end.
        let span = min(first, try duration(arguments))
        var interrupted = 0
        for trial in 1...50 {
            try FileManager.default.copyItem(atPath: discs, toPath: setup.inbox + "/disc\(trial)")
            #expect(FileManager.default.createFile(atPath: setup.inbox + "/disc\(trial)/READY", contents: nil))
            if try killed(arguments, after: Double.random(in: 0...span, using: &random)) { interrupted += 1 }
            let restart = try IntakeProcess.run(arguments)
            #expect(restart.status == 0, "trial \(trial): \(restart.standardError)")
            #expect(try setup.inboxNames().isEmpty, "trial \(trial)")
            #expect(try setup.submissionCount() == trial + 2, "trial \(trial)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: setup.inbox + "/.processing").isEmpty)
            try expectConsistent(setup.home, trial: trial)
        }
        print("kill trials, watch: \(interrupted) of 50 killed while running")
        // Most kills land mid-run (on a loaded machine a run can be quicker than the span measured).
        #expect(interrupted >= 20)
    }
}
