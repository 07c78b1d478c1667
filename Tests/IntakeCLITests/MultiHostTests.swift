import Foundation
@testable import PostgresCatalog
import TestSupport
import Testing

@Suite("Several intake hosts on one PostgreSQL catalog and one shared home, run as programs", .timeLimit(.minutes(5)))
struct MultiHostTests {
    /// A shared home, one inbox per host, and the catalog they all use.
    struct Site {
        let root = NSTemporaryDirectory() + "studyintake-site-" + UUID().uuidString
        let catalog: String
        var home: String { root + "/shared-home" }
        func inbox(_ host: String) -> String { root + "/inbox-" + host }

        init(hosts: [String]) throws {
            catalog = try TestPostgres.makeDatabase()
            for host in hosts {
                try FileManager.default.createDirectory(atPath: inbox(host), withIntermediateDirectories: true)
            }
        }

        func remove() {
            try? FileManager.default.removeItem(atPath: root)
            TestPostgres.dropDatabase(catalog)
        }

        func drop(_ disc: String, as name: String, into host: String) throws {
            try FileManager.default.copyItem(
                atPath: IntakeProcess.sampleStudies + "/" + disc, toPath: inbox(host) + "/" + name)
            #expect(FileManager.default.createFile(atPath: inbox(host) + "/" + name + "/READY", contents: nil))
        }

        /// `intake watch` of one host on its own inbox.
        func watch(_ host: String) throws -> Process {
            try IntakeProcess.$catalog.withValue(catalog) {
                try IntakeProcess.start([
                    "--home", home, "watch", "--inbox", inbox(host), "--settle", "0", "--poll", "1",
                ])
            }
        }

        func run(_ arguments: [String]) throws -> IntakeProcess.Outcome {
            try IntakeProcess.$catalog.withValue(catalog) { try IntakeProcess.run(["--home", home] + arguments) }
        }

        func inboxNames(_ host: String) throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: inbox(host)).filter { !$0.hasPrefix(".") && $0 != "receipts" }
        }
    }

    @Test("Three hosts take their inboxes' discs, one killed mid-ingest and restarted: each drop cataloged once")
    func threeHosts() async throws {
        let hosts = ["alpha", "beta", "gamma"]
        let site = try Site(hosts: hosts)
        defer { site.remove() }
        // Two discs per host; the MR disc on two hosts at once (the second links to the first's instances).
        let drops = [
            ("alpha", "CSPINE_MR", "mr-a"), ("alpha", "CHARSETS", "charsets"), ("beta", "CSPINE_CT", "ct"),
            ("beta", "ENCODINGS", "encodings"), ("gamma", "CSPINE_MR", "mr-g"), ("gamma", "TWO_PATIENTS", "two"),
        ]
        for (host, disc, name) in drops { try site.drop(disc, as: name, into: host) }
        var watchers = try Dictionary(uniqueKeysWithValues: hosts.map { ($0, try site.watch($0)) })
        // beta dies with SIGKILL while it is taking its first disc, then comes back.
        try await Task.sleep(for: .milliseconds(400))
        let beta = try #require(watchers["beta"])
        kill(beta.processIdentifier, SIGKILL)
        beta.waitUntilExit()
        watchers["beta"] = try site.watch("beta")
        defer { for watcher in watchers.values { IntakeProcess.stop(watcher) } }
        let deadline = Date().addingTimeInterval(180)
        var sources: [String] = []
        while Date() < deadline {
            sources = try TestPostgres.query(site.catalog, "SELECT source FROM submission ORDER BY source")
            if sources.count >= drops.count, try hosts.allSatisfy({ try site.inboxNames($0).isEmpty }) { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let expected = drops.map { site.inbox($0.0) + "/" + $0.2 }.sorted()
        #expect(sources == expected, "every drop once")
        for host in hosts { #expect(try site.inboxNames(host).isEmpty, "\(host)'s inbox") }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: site.home + "/store")
            .filter { $0.hasPrefix(".") && !$0.hasSuffix(".lock") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        // The MR disc twice is one study of 48 instances, whichever host came first.
        let instances = try TestPostgres.query(site.catalog, "SELECT count(*) FROM instance")
        #expect(instances == ["\(48 + 9 + 43 + 10 + 7)"])

        // Reviewers on the three hosts claim at once, more of them than there are reviews.
        let queued = try TestPostgres.query(site.catalog, "SELECT count(*) FROM review WHERE status = 'queued'")
        let reviewCount = try #require(Int(queued.first ?? ""))
        // CHARSETS and TWO_PATIENTS hold two patients each: held for staff, no review; the MR disc's
        // second copy joins the first's review.
        let held = try TestPostgres.query(site.catalog, "SELECT count(*) FROM submission WHERE status = 'held'")
        #expect(held == ["2"])
        #expect(try TestPostgres.query(site.catalog, "SELECT count(*) FROM reviewLink") == ["1"])
        #expect(reviewCount == drops.count - 3)
        let claims = (1...(reviewCount + 3)).map { index in
            IntakeProcess.$catalog.withValue(site.catalog) {
                IntakeProcess.unstarted([
                    "--home", site.home, "queue", "claim", "--reviewer", "reviewer\(index)", "--format", "csv",
                ])
            }
        }
        let outputs = claims.map { process -> Pipe in
            let pipe = Pipe()
            process.standardOutput = pipe
            return pipe
        }
        for process in claims { try process.run() }
        var claimed: [String] = []
        var refused = 0
        for (process, output) in zip(claims, outputs) {
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            if process.terminationStatus == 0 {
                claimed += text.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
            } else {
                #expect(process.terminationStatus == 1)
                refused += 1
            }
        }
        #expect(claimed.count == reviewCount)
        #expect(Set(claimed).count == reviewCount, "no review claimed twice")
        #expect(refused == 3)
        // Any host checks the whole shared home against the catalog.
        let check = try site.run(["check"])
        #expect(check.status == 0, "\(check.text)\(check.standardError)")
    }

    @Test("Hosts starting together on a new database migrate it once")
    func migrateOnce() async throws {
        let site = try Site(hosts: [])
        defer { site.remove() }
        let starts = (0..<6).map { _ in
            IntakeProcess.$catalog.withValue(site.catalog) { IntakeProcess.unstarted(["--home", site.home, "stats"]) }
        }
        for process in starts { try process.run() }
        for process in starts {
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
        }
        // Every migration applied, each once (a second run of one would have failed its process).
        #expect(
            try TestPostgres.query(site.catalog, "SELECT name FROM schemaMigration ORDER BY name")
                == PostgresSchema.migrations.map(\.name))
    }
}
