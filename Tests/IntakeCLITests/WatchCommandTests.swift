import Foundation
import Intake
import Testing

@Suite("intake watch, run as a program")
struct WatchCommandTests {
    /// An inbox and a home in a fresh temporary folder; `remove()` deletes both.
    struct Setup {
        let root = NSTemporaryDirectory() + "studyintake-watch-" + UUID().uuidString
        var inbox: String { root + "/inbox" }
        var home: String { root + "/home" }
        init() throws {
            try FileManager.default.createDirectory(atPath: root + "/inbox", withIntermediateDirectories: true)
        }
        func remove() { try? FileManager.default.removeItem(atPath: root) }

        func drop(_ disc: String, as name: String, ready: Bool) throws {
            try FileManager.default.copyItem(
                atPath: IntakeProcess.sampleStudies + "/" + disc, toPath: inbox + "/" + name)
            if ready { #expect(FileManager.default.createFile(atPath: inbox + "/" + name + "/READY", contents: nil)) }
        }

        /// The inbox's entries but its hidden ones and the receipts folder: the drops waiting.
        func inboxNames() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: inbox).filter { !$0.hasPrefix(".") && $0 != "receipts" }
                .sorted()
        }

        /// `intake watch --once` over this inbox and home, with `options`.
        func watchOnce(_ options: String...) throws -> IntakeProcess.Outcome {
            try IntakeProcess.run(["watch", "--once", "--inbox", inbox, "--home", home] + options)
        }

        func submissionCount() throws -> Int {
            let stats = try IntakeProcess.run(["stats", "--home", home, "--format", "csv"])
            let line = stats.text.split(separator: "\n").first { $0.hasPrefix("submissions,") } ?? "submissions,0"
            return Int(line.split(separator: ",")[1]) ?? -1
        }
    }

    @Test("READY and settled drops are taken once; a drop with a .partial file waits", arguments: CatalogBackend.allCases)
    func once(backend: CatalogBackend) async throws {
        try await backend.withCatalog(once)
    }

    private func once() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.drop("CSPINE_CT", as: "ready", ready: true)
        try setup.drop("CHARSETS", as: "settled", ready: false)
        try setup.drop("ENCODINGS", as: "copying", ready: false)
        #expect(FileManager.default.createFile(atPath: setup.inbox + "/copying/IM9.partial", contents: Data([1])))
        let watch = try setup.watchOnce("--settle", "0.3")
        #expect(watch.status == 0, "\(watch.standardError)")
        #expect(try setup.inboxNames() == ["copying"])
        #expect(try setup.submissionCount() == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.inbox + "/.processing").isEmpty)
        // Standard output names drops by their name's hash, as the log does: never the folder name.
        #expect(watch.text.contains(" accepted drop=\(Inbox.tag("ready")): 43 instances"))
        #expect(!watch.text.contains("ready:") && !watch.text.contains("settled"))
    }

    @Test(
        "An inbox on another file system: the drop is copied, verified, then deleted; owner-only in the store",
        .enabled(if: FileManager.default.isWritableFile(atPath: "/dev/shm"), "needs a tmpfs at /dev/shm"))
    func inboxOnAnotherFileSystem() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let inbox = "/dev/shm/studyintake-inbox-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: inbox) }
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: inbox + "/disc")
        #expect(FileManager.default.createFile(atPath: inbox + "/disc/READY", contents: nil))
        let watch = try IntakeProcess.run(["watch", "--once", "--inbox", inbox, "--home", setup.home, "--settle", "0"])
        #expect(watch.status == 0, "\(watch.standardError)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox).filter { !$0.hasPrefix(".") } == ["receipts"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: inbox + "/.processing").isEmpty)
        let stored = try FileManager.default.contentsOfDirectory(atPath: setup.home + "/store").filter {
            !$0.hasPrefix(".")
        }
        #expect(stored.count == 1)
        let file = setup.home + "/store/\(stored.first ?? "")/IMAGES/BONE_001.dcm"
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(
            FileManager.default.contentsEqual(
                atPath: file, andPath: IntakeProcess.sampleStudies + "/CSPINE_CT/IMAGES/BONE_001.dcm"))
    }

    @Test("A disc copied in file by file is taken only after it is complete, and once")
    func slowCopy() async throws {
        let setup = try Setup()
        defer { setup.remove() }
        let source = IntakeProcess.sampleStudies + "/CSPINE_MR/DICOM/ST000001/SE000003"
        let files = try FileManager.default.contentsOfDirectory(atPath: source).sorted()
        let target = setup.inbox + "/slow"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        let copier = Task.detached {
            for file in files {
                try FileManager.default.copyItem(atPath: source + "/" + file, toPath: target + "/" + file)
                try await Task.sleep(for: .milliseconds(60))
            }
        }
        // While the copy goes on, listings 0.3 s apart never agree.
        for _ in 0..<2 {
            let watch = try setup.watchOnce("--settle", "0.3")
            #expect(watch.status == 0)
        }
        try await copier.value
        #expect(try setup.inboxNames() == ["slow"])
        let watch = try setup.watchOnce("--settle", "0.3")
        #expect(watch.text.contains("18 instances"), "\(watch.text)")
        #expect(try setup.submissionCount() == 1)
    }

    @Test("A drop whose DICOMDIR lists a file not there yet waits, then is held as incomplete for staff to decide")
    func incompleteDICOMDIR() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.drop("CSPINE_MR", as: "partial-disc", ready: true)
        try FileManager.default.removeItem(atPath: setup.inbox + "/partial-disc/DICOM/ST000001/SE000003/IM000018")
        let waiting = try setup.watchOnce("--settle", "0")
        #expect(waiting.status == 0)
        #expect(try setup.inboxNames() == ["partial-disc"])
        let timedOut = try setup.watchOnce("--settle", "0", "--incomplete-timeout", "0")
        #expect(timedOut.status == 0)
        #expect(timedOut.text.contains(" held "), "\(timedOut.text)")
        #expect(try setup.inboxNames().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: setup.home + "/quarantine").isEmpty)

        let listed = try IntakeProcess.run(["submissions", "list", "--home", setup.home, "--format", "json"])
        let held = try #require(try JSONSerialization.jsonObject(with: listed.standardOutput) as? [[String: Any]])
        #expect(held.count == 1)
        let entry = try #require(held.first)
        #expect(entry["status"] as? String == "held")
        #expect(entry["source"] as? String == "partial-disc")
        #expect((entry["findings"] as? [String] ?? []).contains("incomplete"))
        #expect((entry["findings"] as? [String] ?? []).contains("dicomdir-missing-file"))
        #expect(
            entry["reasons"] as? [String] == [
                "Files the disc's index lists are not on the disc.", "Files the disc's index lists did not arrive in time.",
            ])
        let id = try #require(entry["submissionId"] as? String)
        let stored = try FileManager.default.subpathsOfDirectory(atPath: setup.home + "/store/" + id)
        #expect(stored.filter { $0.hasPrefix("DICOM/ST000001/SE000003/IM") }.count == 17)
        let queue = try IntakeProcess.run(["queue", "list", "--home", setup.home, "--format", "csv"])
        #expect(!queue.text.contains(id))

        let release = try IntakeProcess.run([
            "submissions", "release", "--home", setup.home, "--by", "Front desk", "--note", "one slice missing, enough",
            id,
        ])
        #expect(release.status == 0, "\(release.standardError)")
        let after = try IntakeProcess.run(["queue", "list", "--home", setup.home, "--format", "csv"])
        #expect(after.text.contains(id))
    }

    @Test("submission.json gives note, priority and requester, and its patient is checked against the headers", arguments: CatalogBackend.allCases)
    func submissionForm(backend: CatalogBackend) async throws {
        try await backend.withCatalog(submissionForm)
    }

    private func submissionForm() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.drop("CSPINE_MR", as: "with-form", ready: true)
        try setup.drop("CSPINE_CT", as: "wrong-patient", ready: true)
        try setup.drop("CSPINE_CT", as: "bad-form", ready: true)
        try setup.drop("TWO_PATIENTS", as: "family", ready: true)
        let forms = [
            "with-form":
                #"{"note": "OPLL between C3 and C4, extended to C2", "priority": "urgent", "requester": "Dr. Weiss", "PatientName": "doe^jane", "PatientBirthDate": "19640312"}"#,
            "wrong-patient": #"{"PatientName": "ROE^RICHARD^A", "PatientBirthDate": "19991231"}"#,
            "bad-form": #"{"note": "unfinished"#,
            "family": #"{"multiplePatients": true}"#,
        ]
        for (drop, text) in forms {
            #expect(
                FileManager.default.createFile(
                    atPath: "\(setup.inbox)/\(drop)/submission.json", contents: Data(text.utf8)))
        }
        let watch = try setup.watchOnce("--settle", "0")
        #expect(watch.status == 0, "\(watch.standardError)")
        #expect(try setup.submissionCount() == 4)

        let queue = try IntakeProcess.run(["queue", "list", "--home", setup.home, "--format", "json"])
        let reviews = try #require(try JSONSerialization.jsonObject(with: queue.standardOutput) as? [[String: Any]])
        let urgent = try #require(reviews.first)
        #expect(urgent["priority"] as? String == "urgent")
        #expect(urgent["spinalLevels"] as? [String] == ["C2", "C3-C4"])
        let id = try #require(urgent["submissionId"] as? String)

        func findings(_ id: String) throws -> (tree: [String: Any], codes: [String]) {
            let show = try IntakeProcess.run(["show", "--home", setup.home, "--format", "json", id])
            let tree = try #require(try JSONSerialization.jsonObject(with: show.standardOutput) as? [String: Any])
            return (tree, (tree["findings"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? [])
        }
        let accepted = try findings(id)
        #expect(accepted.tree["requester"] as? String == "Dr. Weiss")
        #expect(!accepted.codes.contains("patient-not-on-form"))
        let listed = try IntakeProcess.run(["submissions", "list", "--home", setup.home, "--format", "json"])
        let submissions = try #require(
            try JSONSerialization.jsonObject(with: listed.standardOutput) as? [[String: Any]])
        var byDrop: [String: [String: Any]] = [:]
        for submission in submissions { byDrop[submission["source"] as? String ?? ""] = submission }
        // The patient on the disc is not the form's: held, no review; the rest are queued.
        #expect(byDrop["wrong-patient"]?["status"] as? String == "held")
        #expect(byDrop["wrong-patient"]?["reasons"] as? [String] == ["The patient on the disc is not the patient on the form."])
        #expect((byDrop["wrong-patient"]?["findings"] as? [String])?.contains("patient-not-on-form") == true)
        #expect(byDrop["bad-form"]?["status"] as? String == "accepted")
        #expect((byDrop["bad-form"]?["findings"] as? [String])?.contains("submission-form-invalid") == true)
        // Several patients, as the form says: accepted.
        #expect(byDrop["family"]?["status"] as? String == "accepted")
        #expect(reviews.count == 3)
    }

    @Test("A submission.json that is a symbolic link is never followed: its note and priority are not used")
    func linkedSubmissionForm() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.drop("CSPINE_CT", as: "linked-form", ready: true)
        let outside = setup.root + "/outside.json"
        #expect(
            FileManager.default.createFile(
                atPath: outside, contents: Data(#"{"note": "C5-6", "priority": "urgent"}"#.utf8)))
        try FileManager.default.createSymbolicLink(
            atPath: setup.inbox + "/linked-form/submission.json", withDestinationPath: outside)
        let watch = try setup.watchOnce("--settle", "0")
        #expect(watch.status == 0, "\(watch.standardError)")
        let queue = try IntakeProcess.run(["queue", "list", "--home", setup.home, "--format", "json"])
        let reviews = try #require(try JSONSerialization.jsonObject(with: queue.standardOutput) as? [[String: Any]])
        let review = try #require(reviews.first)
        #expect(review["priority"] as? String == "routine")
        #expect((review["spinalLevels"] as? [String] ?? []).isEmpty)
        let id = try #require(review["submissionId"] as? String)
        let show = try IntakeProcess.run(["show", "--home", setup.home, "--format", "json", id])
        let tree = try #require(try JSONSerialization.jsonObject(with: show.standardOutput) as? [String: Any])
        let findings = tree["findings"] as? [[String: Any]] ?? []
        let form = findings.first { $0["code"] as? String == "submission-form-invalid" }
        #expect((form?["message"] as? String)?.contains("symbolic link") == true)
    }

    @Test("Two watchers on one inbox never both take a drop", arguments: CatalogBackend.allCases)
    func twoWatchers(backend: CatalogBackend) async throws {
        try await backend.withCatalog(twoWatchers)
    }

    private func twoWatchers() throws {
        let setup = try Setup()
        defer { setup.remove() }
        for index in 1...4 { try setup.drop("CHARSETS", as: "disc\(index)", ready: true) }
        _ = try IntakeProcess.run(["stats", "--home", setup.home])  // nothing yet: the home is made by the watchers
        let watchers = (0..<2).map { _ in
            IntakeProcess.unstarted(["watch", "--once", "--inbox", setup.inbox, "--home", setup.home, "--settle", "0"])
        }
        for watcher in watchers { try watcher.run() }
        for watcher in watchers { watcher.waitUntilExit() }
        #expect(watchers.allSatisfy { $0.terminationStatus == 0 })
        #expect(try setup.inboxNames().isEmpty)
        #expect(try setup.submissionCount() == 4)
    }

    @Test("A claim left by a crash goes back to the inbox and is done once", arguments: CatalogBackend.allCases)
    func unfinishedClaim(backend: CatalogBackend) async throws {
        try await backend.withCatalog(unfinishedClaim)
    }

    private func unfinishedClaim() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try FileManager.default.createDirectory(atPath: setup.inbox + "/.processing", withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: IntakeProcess.sampleStudies + "/CSPINE_CT",
            toPath: setup.inbox + "/.processing/20990101-000000-abcdef--lost")
        #expect(
            FileManager.default.createFile(
                atPath: setup.inbox + "/.processing/20990101-000000-abcdef--lost/READY", contents: nil))
        let watch = try setup.watchOnce("--settle", "0")
        #expect(watch.status == 0, "\(watch.standardError)")
        #expect(watch.text.contains(" accepted drop=\(Inbox.tag("lost")): 43 instances"))
        #expect(try setup.submissionCount() == 1)
    }

    @Test("kill -9 of the watcher at spread moments, then a restart: every drop ends in the catalog exactly once", arguments: CatalogBackend.allCases)
    func killAndRestart(backend: CatalogBackend) async throws {
        try await backend.withCatalog(killAndRestart)
    }

    private func killAndRestart() throws {
        let setup = try Setup()
        defer { setup.remove() }
        for index in 1...3 { try setup.drop("CSPINE_CT", as: "disc\(index)", ready: true) }
        for delay in [0.05, 0.1, 0.15, 0.2, 0.3, 0.45] {
            let process = try IntakeProcess.start([
                "watch", "--once", "--inbox", setup.inbox, "--home", setup.home, "--settle", "0",
            ])
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        let restart = try setup.watchOnce("--settle", "0")
        #expect(restart.status == 0, "\(restart.standardError)")
        #expect(try setup.inboxNames().isEmpty)
        #expect(try setup.submissionCount() == 3)
        let leftovers =
            try FileManager.default.contentsOfDirectory(atPath: setup.inbox + "/.processing")
            + FileManager.default.contentsOfDirectory(atPath: setup.home + "/store").filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
        // Every CT file is cataloged once: three drops of the same disc are one study of 43 instances.
        let studies = try IntakeProcess.run(["query", "studies", "--home", setup.home, "--format", "csv"])
        #expect(studies.text.contains(",43,"))
    }

    @Test("The daemon wakes on inotify: a READY drop is taken within seconds though --poll is 60")
    func wakesOnInotify() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let process = try IntakeProcess.start([
            "watch", "--inbox", setup.inbox, "--home", setup.home, "--settle", "0.2", "--poll", "60",
        ])
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        Thread.sleep(forTimeInterval: 1)
        try setup.drop("CHARSETS", as: "late", ready: true)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, try setup.submissionCount() < 1 { Thread.sleep(forTimeInterval: 0.1) }
        #expect(try setup.submissionCount() == 1)
        #expect(try setup.inboxNames().isEmpty)
    }

    @Test("Watch logs received, claimed and ingested events without patient names, even in folder names")
    func logs() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.drop("TWO_PATIENTS", as: "MUELLER JUERGEN 1951", ready: true)
        let watch = try setup.watchOnce("--settle", "0", "--log-level", "info")
        #expect(watch.status == 0)
        for event in ["received", "ready and claimed", " held"] {
            #expect(watch.standardError.contains(event), "\(event)")
        }
        for phi in ["MUELLER", "MÜLLER", "Yamada", "1951"] {
            #expect(!watch.standardError.contains(phi), "\(phi) in the log")
        }
    }

    @Test("Links and special files in a drop are never stored: the store holds files only, check stays clean, targets untouched")
    func linksNeverStored() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.drop("CSPINE_CT", as: "with-links", ready: true)
        let outside = setup.root + "/outside.txt"
        #expect(FileManager.default.createFile(atPath: outside, contents: Data("not the drop's".utf8)))
        let drop = setup.inbox + "/with-links"
        try FileManager.default.createSymbolicLink(atPath: drop + "/LINKED", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: drop + "/IMAGES/DANGLING", withDestinationPath: "/nonexistent")
        #expect(link(outside, drop + "/HARDLINK") == 0)
        #expect(mkfifo(drop + "/PIPE", 0o600) == 0)
        let watch = try setup.watchOnce("--settle", "0")
        #expect(watch.status == 0, "\(watch.standardError)")
        #expect(try setup.submissionCount() == 1)
        let check = try IntakeProcess.run(["check", "--home", setup.home])
        #expect(check.status == 0, "\(check.text)")
        let store = try FileManager.default.contentsOfDirectory(atPath: setup.home + "/store").filter {
            !$0.hasPrefix(".")
        }
        let kept = try FileManager.default.subpathsOfDirectory(atPath: setup.home + "/store/" + store[0])
        for name in ["LINKED", "IMAGES/DANGLING", "HARDLINK", "PIPE"] { #expect(!kept.contains(name), "\(name)") }
        #expect(FileManager.default.contents(atPath: outside) == Data("not the drop's".utf8))
    }

    @Test(
        "An inbox inside the home, its store or quarantine, or holding the home, is refused at start: exit 2, one line",
        arguments: ["home", "home/store", "home/quarantine", "."])
    func inboxOverlappingHome(relative: String) throws {
        let setup = try Setup()
        defer { setup.remove() }
        #expect(try IntakeProcess.run(["ingest", "--home", setup.home, IntakeProcess.sampleStudies + "/CSPINE_CT"]).status == 0)
        let before = try FileManager.default.subpathsOfDirectory(atPath: setup.home).sorted()
        let watch = try IntakeProcess.run([
            "watch", "--once", "--inbox", setup.root + "/" + relative, "--home", setup.home, "--settle", "0",
        ])
        #expect(watch.status == 2)
        let lines = watch.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("overlaps the intake's home"), "\(lines)")
        #expect(try FileManager.default.subpathsOfDirectory(atPath: setup.home).sorted() == before)
        #expect(try setup.submissionCount() == 1)
    }

    @Test("An inbox belongs to the catalog whose watcher took it first: a watcher of another catalog is refused")
    func inboxOfOneCatalog() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let first = try setup.watchOnce()
        #expect(first.status == 0, "\(first.standardError)")
        try setup.drop("CSPINE_CT", as: "disc", ready: true)
        let other = setup.root + "/other-home"
        let refused = try IntakeProcess.run([
            "watch", "--once", "--inbox", setup.inbox, "--home", other, "--settle", "0",
        ])
        #expect(refused.status == 2)
        let lines = refused.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("belongs to the catalog"), "\(lines)")
        #expect(try setup.inboxNames() == ["disc"])
        let again = try setup.watchOnce("--settle", "0")
        #expect(again.status == 0, "\(again.standardError)")
        #expect(try setup.inboxNames().isEmpty)
        #expect(try setup.submissionCount() == 1)
    }

    /// Waits for `process` to exit, at most `seconds`; the seconds it took (SIGKILL and a recorded
    /// issue past the bound, so that a daemon that ignores a signal fails the test, never hangs it).
    private func secondsToExit(_ process: Process, within seconds: Double) -> Double {
        let started = Date()
        while process.isRunning && Date().timeIntervalSince(started) < seconds { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("the daemon did not stop within \(seconds) s")
        }
        process.waitUntilExit()
        return Date().timeIntervalSince(started)
    }

    @Test("SIGTERM or SIGINT while drops settle ends the wait at once and claims nothing", arguments: [SIGTERM, SIGINT])
    func signalWhileSettling(signal: Int32) throws {
        let setup = try Setup()
        defer { setup.remove() }
        for name in ["first", "second", "third"] { try setup.drop("CHARSETS", as: name, ready: false) }
        let process = try IntakeProcess.start([
            "watch", "--inbox", setup.inbox, "--home", setup.home, "--settle", "30",
        ])
        Thread.sleep(forTimeInterval: 1.5)
        kill(process.processIdentifier, signal)
        let seconds = secondsToExit(process, within: 10)
        #expect(seconds < 3, "\(seconds) s after the signal, with 28 s of settle left")
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(try setup.inboxNames() == ["first", "second", "third"])
        #expect(try setup.submissionCount() == 0)
    }

    @Test("SIGTERM or SIGINT with several ready drops: the one in hand finishes, nothing new is claimed", arguments: [SIGTERM, SIGINT])
    func signalWhileTaking(signal: Int32) throws {
        let setup = try Setup()
        defer { setup.remove() }
        let names = ["one", "two", "three", "four"]
        for name in names { try setup.drop("CSPINE_MR", as: name, ready: true) }
        let process = try IntakeProcess.start(["watch", "--inbox", setup.inbox, "--home", setup.home, "--settle", "0"])
        // The signal as soon as the first drop is claimed.
        let claims = setup.inbox + "/.processing"
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline,
            ((try? FileManager.default.contentsOfDirectory(atPath: claims)) ?? []).allSatisfy({ $0.hasSuffix(".lock") })
        {
            Thread.sleep(forTimeInterval: 0.002)
        }
        kill(process.processIdentifier, signal)
        _ = secondsToExit(process, within: 30)
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        let left = try setup.inboxNames()
        #expect(left.count >= 2, "claimed after the signal: \(left)")
        #expect(try setup.submissionCount() + left.count == names.count)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: claims)) ?? []).allSatisfy { $0.hasSuffix(".lock") })
    }

    @Test("SIGTERM stops the daemon cleanly, exit 0")
    func sigterm() throws {
        let setup = try Setup()
        defer { setup.remove() }
        let process = try IntakeProcess.start([
            "watch", "--inbox", setup.inbox, "--home", setup.home, "--settle", "0", "--poll", "0.2",
        ])
        Thread.sleep(forTimeInterval: 0.8)
        process.terminate()
        // A bound on the wait, so a daemon that ignores SIGTERM fails the test instead of hanging it.
        for _ in 0..<300 where process.isRunning { Thread.sleep(forTimeInterval: 0.1) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("the daemon did not stop on SIGTERM")
        }
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
    }
}

/// The letters staff read in `<inbox>/receipts/`, for every drop taken and every drop that waits.
@Suite("Receipts where staff work, run as a program")
struct ReceiptShelfTests {
    typealias Setup = WatchCommandTests.Setup

    private func letter(_ setup: Setup, _ name: String) throws -> String {
        try String(contentsOfFile: setup.inbox + "/receipts/" + name, encoding: .utf8)
    }

    /// The part of a letter above "Details for IT", where no code, UID or path may stand.
    private func plainPart(_ text: String) -> String {
        String(text[..<(text.range(of: "Details for IT")?.lowerBound ?? text.endIndex)])
    }

    @Test("Every drop taken gets a text and an HTML letter, outcome first, codes last, readable by the inbox's group")
    func takenDrops() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.drop("CSPINE_MR", as: "Jane Doe MR", ready: true)
        try setup.drop("CSPINE_CT", as: "wrong patient", ready: true)
        #expect(
            FileManager.default.createFile(
                atPath: setup.inbox + "/wrong patient/submission.json",
                contents: Data(#"{"PatientName": "SMITH^ANNA", "note": "OPLL between C3 and C4"}"#.utf8)))
        let watch = try setup.watchOnce("--settle", "0")
        #expect(watch.status == 0, "\(watch.standardError)")

        let accepted = try letter(setup, "Jane Doe MR.txt")
        #expect(accepted.hasPrefix("Accepted — 1 study of DOE^JANE is queued for a spine review.\n"), "\(accepted)")
        #expect(accepted.contains("MRI cervical spine, 15 April 2024 — 3 series, 48 images"))
        #expect(accepted.contains("Nothing for you to do."))
        let held = try letter(setup, "wrong patient.txt")
        #expect(held.hasPrefix("Held — please check this disc before it goes to a surgeon.\n"), "\(held)")
        #expect(held.contains("The patient on the disc, ROE^RICHARD^A, is not the patient on your form, SMITH^ANNA."))
        #expect(held.contains("Levels of concern from the note\n  C3-C4"))
        #expect(held.contains("Details for IT: submission "))
        #expect(held.contains("findings: patient-not-on-form"))
        for text in [accepted, held] {
            let plain = plainPart(text)
            #expect(!plain.contains("-") || !plain.contains("patient-not-on-form"))
            #expect(!plain.contains(setup.home) && !plain.contains("1.2.") && !plain.contains("review-readiness"))
        }
        let html = try letter(setup, "wrong patient.html")
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<h1>Held — please check this disc before it goes to a surgeon.</h1>"))
        #expect(!html.contains("http://") && !html.contains("https://"), "no resource from elsewhere")
        for name in ["Jane Doe MR.txt", "Jane Doe MR.html", "wrong patient.txt", "wrong patient.html"] {
            let mode = try FileManager.default.attributesOfItem(atPath: setup.inbox + "/receipts/" + name)[.posixPermissions]
            #expect(mode as? Int == 0o640, "\(name)")
        }
        // A later drop of the same name keeps the first letter and gets its own, named with its id.
        try setup.drop("CSPINE_MR", as: "Jane Doe MR", ready: true)
        let again = try setup.watchOnce("--settle", "0")
        let id = try #require(again.text.split(separator: " ").first.map(String.init))
        #expect(try letter(setup, "Jane Doe MR.txt") == accepted)
        #expect(try letter(setup, "Jane Doe MR \(id).txt").hasPrefix("Accepted — "))
        #expect(try setup.inboxNames().isEmpty)
    }

    @Test("A held disc's HTML letter prints on one page, Letter and A4, in a real browser (headless Chromium)")
    func letterPrintsOnOnePage() throws {
        let setup = try Setup()
        defer { setup.remove() }
        // The longest letter the samples give: a damaged disc with every kind of finding.
        try setup.drop("TROUBLED", as: "troubled", ready: true)
        let watch = try setup.watchOnce("--settle", "0", "--incomplete-timeout", "0")
        #expect(watch.status == 0, "\(watch.standardError)")
        let html = try letter(setup, "troubled.html")
        for (paper, size) in [("Letter", ""), ("A4", "size: A4; ")] {
            let page = setup.root + "/letter-\(paper).html"
            try html.replacingOccurrences(of: "@page { ", with: "@page { " + size)
                .write(toFile: page, atomically: true, encoding: .utf8)
            let pdf = setup.root + "/letter-\(paper).pdf"
            let print = try IntakeProcess.run(
                [
                    "chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    "--print-to-pdf=" + pdf, "file://" + page,
                ], executable: "/usr/bin/env")
            #expect(print.status == 0, "\(print.standardError)")
            let info = try IntakeProcess.run(["pdfinfo", pdf], executable: "/usr/bin/env")
            #expect(info.text.contains("\nPages:           1\n"), "\(paper): \(info.text)")
            #expect(info.text.contains(paper == "A4" ? "pts (A4)" : "pts (letter)"), "\(info.text)")
        }
    }

    @Test("A drop that waits gets a letter saying why once --report-waiting-after has passed; its receipt replaces it")
    func waitingDrops() throws {
        let setup = try Setup()
        defer { setup.remove() }
        try setup.drop("CSPINE_MR", as: "partial", ready: true)
        try FileManager.default.removeItem(atPath: setup.inbox + "/partial/DICOM/ST000001/SE000003/IM000018")
        #expect(FileManager.default.createFile(atPath: setup.inbox + "/notes.pdf", contents: Data("%PDF-1.4".utf8)))
        let early = try setup.watchOnce("--settle", "0")
        #expect(early.status == 0)
        #expect(!FileManager.default.fileExists(atPath: setup.inbox + "/receipts/partial.txt"), "not before 10 minutes")
        let late = try setup.watchOnce("--settle", "0", "--report-waiting-after", "0")
        #expect(late.status == 0)
        let waiting = try letter(setup, "partial.txt")
        #expect(waiting.hasPrefix("Waiting — \"partial\" was not taken in yet.\n"), "\(waiting)")
        #expect(waiting.contains("lists 1 file that has not arrived"))
        #expect(try letter(setup, "notes.pdf.txt").contains("neither a folder nor an archive"))
        #expect(FileManager.default.fileExists(atPath: setup.inbox + "/receipts/partial.html"))
        let taken = try setup.watchOnce("--settle", "0", "--incomplete-timeout", "0")
        #expect(taken.status == 0)
        let held = try letter(setup, "partial.txt")
        #expect(held.hasPrefix("Held — "), "\(held)")
        #expect(held.contains("The disc's index lists 1 file that is not on it."))
        // The stray file leaves the inbox: its letter goes too.
        try FileManager.default.removeItem(atPath: setup.inbox + "/notes.pdf")
        _ = try setup.watchOnce("--settle", "0", "--report-waiting-after", "0")
        #expect(!FileManager.default.fileExists(atPath: setup.inbox + "/receipts/notes.pdf.txt"))
    }
}
