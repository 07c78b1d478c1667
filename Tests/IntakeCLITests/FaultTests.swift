import Foundation
import PostgresCatalog
import TestSupport
import Testing

@Suite("Faults: a full disk, a busy catalog, a file changing under the copy")
struct FaultTests {
    /// A copy of the CT disc with a 600 KB viewer next to it.
    private func discWithViewer(in root: String) throws -> String {
        let drop = root + "/disc"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: drop)
        try Data((0..<600_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            .write(to: URL(fileURLWithPath: drop + "/VIEWER.EXE"))
        return drop
    }

    private func fingerprint(_ folder: String) throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        for path in try FileManager.default.subpathsOfDirectory(atPath: folder) {
            sizes[path] = (try FileManager.default.attributesOfItem(atPath: folder + "/" + path)[.size] as? Int) ?? -1
        }
        return sizes
    }

    private func submissions(_ home: String) throws -> Int {
        let stats = try IntakeProcess.run(["stats", "--home", home, "--format", "csv"])
        let line = stats.text.split(separator: "\n").first { $0.hasPrefix("submissions,") } ?? "submissions,-1"
        return Int(line.split(separator: ",")[1]) ?? -1
    }

    @Test("The disk fills while copying into the store: not accepted, a clear error, nothing lost, then it goes in")
    func diskFullDuringCopy() throws {
        let root = NSTemporaryDirectory() + "studyintake-fault-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let drop = try discWithViewer(in: root)
        let home = root + "/home"
        #expect(
            try IntakeProcess.run(["ingest", "--home", home, IntakeProcess.sampleStudies + "/ENCODINGS"]).status == 0)
        let before = try fingerprint(drop)

        // ulimit -f: no file may grow past 256 KB, as on a disk with that much room left.
        let limited = try IntakeProcess.run(
            [
                "-c", "ulimit -f 256 && exec \"$0\" ingest --home \"$1\" \"$2\"", IntakeProcess.executable.path, home,
                drop,
            ],
            executable: "/bin/sh")
        #expect(limited.status == 2)
        #expect(limited.standardError.contains("File too large"), "\(limited.standardError)")
        #expect(try submissions(home) == 1)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: home + "/store").filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "\(hidden)")
        #expect(try fingerprint(drop) == before)

        #expect(try IntakeProcess.run(["ingest", "--home", home, drop]).status == 0)
        #expect(try submissions(home) == 2)
        #expect(try IntakeProcess.run(["check", "--home", home]).status == 0)
    }

    @Test(
        "The daemon keeps running through a full disk, returns the drop to the inbox, and takes it once there is room")
    func daemonThroughFullDisk() throws {
        let setup = try WatchCommandTests.Setup()
        defer { setup.remove() }
        #expect(
            try IntakeProcess.run(["ingest", "--home", setup.home, IntakeProcess.sampleStudies + "/ENCODINGS"]).status
                == 0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        process.arguments = [
            "--fsize=131072:unlimited", IntakeProcess.executable.path, "watch", "--inbox", setup.inbox, "--home",
            setup.home, "--settle", "0", "--poll", "0.5",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            process.terminate()
            process.waitUntilExit()
        }
        // READY before the move: with --settle 0 the daemon may claim the drop the moment it appears.
        let drop = try discWithViewer(in: setup.root + "/staff")
        #expect(FileManager.default.createFile(atPath: drop + "/READY", contents: nil))
        try FileManager.default.moveItem(atPath: drop, toPath: setup.inbox + "/disc")
        Thread.sleep(forTimeInterval: 2)
        #expect(process.isRunning)
        #expect(try setup.submissionCount() == 1)
        #expect(try setup.inboxNames() == ["disc"])

        let raise = Process()
        raise.executableURL = URL(fileURLWithPath: "/usr/bin/prlimit")
        raise.arguments = ["--pid", "\(process.processIdentifier)", "--fsize=unlimited:unlimited"]
        try raise.run()
        raise.waitUntilExit()
        #expect(raise.terminationStatus == 0)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, try setup.submissionCount() < 2 { Thread.sleep(forTimeInterval: 0.2) }
        #expect(try setup.submissionCount() == 2)
        #expect(try setup.inboxNames().isEmpty)
        #expect(process.isRunning)
        #expect(try IntakeProcess.run(["check", "--home", setup.home]).status == 0)
    }

    /// Holds the catalog's write lock from another process for `seconds`.
    private func holdCatalog(_ home: String, seconds: Double) throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                + "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); time.sleep(float(sys.argv[2])); c.execute('COMMIT')",
            home + "/catalog.sqlite", "\(seconds)",
        ]
        let output = Pipe()
        holder.standardOutput = output
        try holder.run()
        _ = output.fileHandleForReading.readData(ofLength: 5)  // "held\n": the lock is taken
        return holder
    }

    @Test("A catalog busy for a moment is waited for; one busy past the timeout fails cleanly, losing nothing")
    func busyCatalog() throws {
        let root = NSTemporaryDirectory() + "studyintake-fault-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let home = root + "/home"
        #expect(
            try IntakeProcess.run(["ingest", "--home", home, IntakeProcess.sampleStudies + "/ENCODINGS"]).status == 0)

        let briefly = try holdCatalog(home, seconds: 1.5)
        // The lock is held when the ingest starts, and the ingest succeeds: it waited for it.
        #expect(briefly.isRunning)
        let waited = try IntakeProcess.run(["ingest", "--home", home, IntakeProcess.sampleStudies + "/CSPINE_CT"])
        #expect(waited.status == 0, "\(waited.standardError)")
        briefly.waitUntilExit()

        let long = try holdCatalog(home, seconds: 14)
        defer { long.terminate() }
        let failed = try IntakeProcess.run(["ingest", "--home", home, IntakeProcess.sampleStudies + "/CSPINE_MR"])
        #expect(failed.status == 2)
        #expect(
            failed.standardError.contains("locked") || failed.standardError.contains("busy"), "\(failed.standardError)")
        let hidden = try FileManager.default.contentsOfDirectory(atPath: home + "/store").filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "\(hidden)")
        long.terminate()
        long.waitUntilExit()
        #expect(try submissions(home) == 2)
        #expect(try IntakeProcess.run(["check", "--home", home]).status == 0)
    }

    @Test("A file that keeps changing while it is copied is copied again, then refused: never accepted")
    func changingFile() throws {
        let root = NSTemporaryDirectory() + "studyintake-fault-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let drop = root + "/disc"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CHARSETS", toPath: drop)
        let growing = drop + "/MOVIE.MPG"
        try Data(count: 64 << 20).write(to: URL(fileURLWithPath: growing))
        let home = root + "/home"

        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: growing) else { return }
            var byte: UInt8 = 0
            while !Thread.current.isCancelled {
                byte &+= 1
                try? handle.seek(toOffset: 1 << 20)
                try? handle.write(contentsOf: Data([byte]))
            }
            try? handle.close()
        }
        writer.start()
        let outcome = try IntakeProcess.run(["ingest", "--home", home, drop])
        writer.cancel()
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("kept changing"), "\(outcome.standardError)")
        #expect(try submissions(home) == 0)
        let hidden = try FileManager.default.contentsOfDirectory(atPath: home + "/store").filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "\(hidden)")
    }
}

@Suite("Faults of a PostgreSQL catalog, run as programs", .serialized, .timeLimit(.minutes(5)))
struct PostgresFaultTests {
    /// A psql session holding the submission-write lock every ingest takes, until it is killed
    /// (the server sees the session gone within 200 ms and lets the lock go).
    /// Returns once the lock is held (the session seen holding it), not after a guess at how long
    /// psql takes to connect on a loaded machine.
    static func holdRecordLock(_ url: String, host: String? = nil) throws -> Process {
        let name = TestPostgres.databaseName(of: url)
        let host = try host ?? TestPostgres.host()
        let holder = TestPostgres.psqlProcess(
            host: host, database: name, "SET client_connection_check_interval = '200ms'",
            "SELECT pg_advisory_lock(\(PostgresCatalog.recordLock))",
            "SELECT pg_sleep(600)")
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        try waitForRecordLock(host: host, database: name, granted: true)
        return holder
    }

    /// Waits (up to 60 s) until a session holds the submission-write lock (`granted`), or waits for it.
    static func waitForRecordLock(host: String, database: String, granted: Bool) throws {
        let objid = PostgresCatalog.recordLock & 0xFFFF_FFFF
        let sql = """
            SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = \(objid) AND granted = \(granted)
            """
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if (try? TestPostgres.psql(host: host, database: database, sql)) != ["0"] { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw TestPostgres.Unavailable(description: "no session \(granted ? "holds" : "waits for") the record lock")
    }

    @Test("The server unreachable at start: one clear line, exit 2, for every command")
    func unreachable() throws {
        let home = NSTemporaryDirectory() + "studyintake-pg-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: home) }
        let missing = "postgres://intake@/intake?host=/nonexistent-socket-folder"
        for arguments in [
            ["stats"], ["ingest", IntakeProcess.sampleStudies + "/CHARSETS"], ["watch", "--once", "--inbox", home],
        ] {
            let outcome = try IntakeProcess.run(
                ["--home", home] + arguments, environment: ["INTAKE_CATALOG": missing])
            #expect(outcome.status == 2, "\(arguments)")
            let lines = outcome.standardError.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("intake: catalog postgres://intake@/intake"), "\(lines)")
        }
        let password = try IntakeProcess.run(
            ["--home", home, "stats"], environment: ["INTAKE_CATALOG": "postgres://intake:secret@/intake?host=/tmp"])
        #expect(password.status == 2)
        #expect(password.standardError.contains("~/.pgpass") && !password.standardError.contains("secret"))
    }

    @Test(
        "A lock held past the timeout fails the ingest like a busy SQLite catalog: exit 2, nothing kept; then it goes in"
    )
    func lockTimeout() throws {
        let url = try TestPostgres.makeDatabase()
        defer { TestPostgres.dropDatabase(url) }
        let home = NSTemporaryDirectory() + "studyintake-pg-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: home) }
        try IntakeProcess.$catalog.withValue(url) {
            #expect(try IntakeProcess.run(["--home", home, "stats"]).status == 0)
            let holder = try Self.holdRecordLock(url)
            let busy = try IntakeProcess.run(["--home", home, "ingest", IntakeProcess.sampleStudies + "/ENCODINGS"])
            kill(holder.processIdentifier, SIGKILL)
            holder.waitUntilExit()
            #expect(busy.status == 2)
            #expect(busy.standardError.contains("lock timeout"), "\(busy.standardError)")
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: home + "/store").filter { !$0.hasSuffix(".lock") }
                    .isEmpty)
            #expect(try TestPostgres.query(url, "SELECT count(*) FROM submission") == ["0"])
            let again = try IntakeProcess.run(["--home", home, "ingest", IntakeProcess.sampleStudies + "/ENCODINGS"])
            #expect(again.status == 0, "\(again.standardError)")
        }
    }

    @Test("PostgreSQL restarted in the middle of an ingest: rolled back, the drop back in the inbox, taken once later")
    func restartMidIngest() async throws {
        // A cluster of its own: restarting the shared one would cut the other tests' connections.
        let cluster = try PrivateCluster()
        defer { cluster.stop() }
        let url = cluster.url
        let root = NSTemporaryDirectory() + "studyintake-pg-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let inbox = root + "/inbox"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        // The catalog made first, so that the watcher's first transaction is the submission's.
        #expect(
            try IntakeProcess.$catalog.withValue(url) { try IntakeProcess.run(["--home", root + "/home", "stats"]) }
                .status == 0)
        let holder = try Self.holdRecordLock(url, host: cluster.host)
        defer { if holder.isRunning { kill(holder.processIdentifier, SIGKILL) } }
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: inbox + "/ct")
        #expect(FileManager.default.createFile(atPath: inbox + "/ct/READY", contents: nil))
        let log = root + "/watch.log"
        #expect(FileManager.default.createFile(atPath: log, contents: nil))
        let watcher = IntakeProcess.$catalog.withValue(url) {
            IntakeProcess.unstarted([
                "--home", root + "/home", "watch", "--inbox", inbox, "--settle", "0", "--poll", "1", "--log-level",
                "info",
            ])
        }
        watcher.standardError = FileHandle(forWritingAtPath: log)
        try watcher.run()
        defer { IntakeProcess.stop(watcher) }
        // The ingest's transaction is waiting for the lock: the restart cuts it in the middle.
        try Self.waitForRecordLock(host: cluster.host, database: "postgres", granted: false)
        try cluster.restart()
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        // Back in the inbox, tried again after its back-off, cataloged once.
        let deadline = Date().addingTimeInterval(120)
        var submissions: [String] = []
        while Date() < deadline {
            submissions = (try? TestPostgres.psql(host: cluster.host, "SELECT status FROM submission")) ?? []
            if !submissions.isEmpty && !FileManager.default.fileExists(atPath: inbox + "/ct") { break }
            try await Task.sleep(for: .milliseconds(250))
        }
        let watchLog = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(submissions == ["accepted"], "\(watchLog)")
        #expect(
            watchLog.contains("not taken in; returned to the inbox")
                || watchLog.contains("returned an unfinished claim"), "\(watchLog)")
        #expect(try TestPostgres.psql(host: cluster.host, "SELECT count(*) FROM instance") == ["43"])
        let check = try IntakeProcess.$catalog.withValue(url) {
            try IntakeProcess.run(["--home", root + "/home", "check"])
        }
        #expect(check.status == 0, "\(check.text)")
    }
}
