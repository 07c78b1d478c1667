import Foundation
import Testing

/// Every drop ends accepted, held or quarantined, and staff decide the held ones: each rule that
/// holds a disc, and `intake submissions list|release|dismiss|retry`, run as a program.
@Suite("Outcomes and staff decisions, run as a program")
struct OutcomeCommandTests {
    typealias Home = IngestQueryCommandTests.Home

    private func objects(_ outcome: IntakeProcess.Outcome) throws -> [[String: Any]] {
        try #require(
            try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [[String: Any]],
            "\(outcome.text) \(outcome.standardError)")
    }

    private func list(_ home: String, _ status: String) throws -> [[String: Any]] {
        try objects(try IntakeProcess.run(["submissions", "list", "--home", home, "--status", status, "--format", "json"]))
    }

    private func queued(_ home: String) throws -> Int {
        try objects(try IntakeProcess.run(["queue", "list", "--home", home, "--format", "json"])).count
    }

    /// Ingests `drop` and returns its receipt and exit status.
    private func ingest(_ drop: String, home: String) throws -> (receipt: [String: Any], status: Int32) {
        let ingest = try IntakeProcess.run(["ingest", "--home", home, "--format", "json", drop])
        return (try #require(try objects(ingest).first), ingest.status)
    }

    private func codes(_ receipt: [String: Any]) -> [String] {
        (receipt["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test(
        "A held disc queues no review until staff release it; a second decision is refused",
        arguments: CatalogBackend.allCases)
    func releaseHeld(backend: CatalogBackend) async throws {
        try await backend.withCatalog(releaseHeld)
    }

    private func releaseHeld() throws {
        let home = Home()
        defer { home.remove() }
        let (receipt, status) = try ingest(IntakeProcess.sampleStudies + "/TWO_PATIENTS", home: home.path)
        #expect(status == 1)
        #expect(receipt["status"] as? String == "held")
        let reasons = receipt["reasons"] as? [String] ?? []
        #expect(reasons == ["The disc holds images of more than one patient, and the form does not say it should."])
        let id = try #require(receipt["submissionId"] as? String)
        #expect(try queued(home.path) == 0)

        let held = try list(home.path, "held")
        #expect(held.map { $0["submissionId"] as? String } == [id])
        #expect(held.first?["source"] as? String == "TWO_PATIENTS")
        #expect((held.first?["PatientName"] as? [String])?.count == 2)
        #expect(held.first?["reasons"] as? [String] == reasons)

        let withoutName = try IntakeProcess.run(["submissions", "release", "--home", home.path, id])
        #expect(withoutName.status == 2)
        let release = try IntakeProcess.run([
            "submissions", "release", "--home", home.path, "--by", "Front desk", "--note", "a family's disc", "--format",
            "json", id,
        ])
        #expect(release.status == 0, "\(release.standardError)")
        let released = try #require(try objects(release).first)
        #expect(released["status"] as? String == "accepted")
        #expect(released["decidedBy"] as? String == "Front desk")
        #expect(released["decisionNote"] as? String == "a family's disc")
        #expect(try queued(home.path) == 1)
        #expect(try list(home.path, "held").isEmpty)
        let show = try IntakeProcess.run(["show", "--home", home.path, id])
        #expect(show.text.contains("  released by Front desk, "), "\(show.text)")
        #expect(show.text.contains(": a family's disc"))

        let again = try IntakeProcess.run(["submissions", "release", "--home", home.path, "--by", "Front desk", id])
        #expect(again.status == 1)
        #expect(again.standardError == "intake: submission \(id): it is released, not held\n")
        let dismiss = try IntakeProcess.run([
            "submissions", "dismiss", "--home", home.path, "--by", "Front desk", "--reason", "late", id,
        ])
        #expect(dismiss.status == 1)
        #expect(try queued(home.path) == 1)
    }

    @Test("Two staff release one held disc at once: exactly one decision applies, one review is queued")
    func concurrentReleases() throws {
        let home = Home()
        defer { home.remove() }
        let id = try #require(
            try ingest(IntakeProcess.sampleStudies + "/CHARSETS", home: home.path).receipt["submissionId"] as? String)
        let releases = ["anna", "ben"].map { person -> Process in
            let process = IntakeProcess.unstarted(["submissions", "release", "--home", home.path, "--by", person, id])
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in releases { try process.run() }
        for process in releases { process.waitUntilExit() }
        #expect(releases.map(\.terminationStatus).sorted() == [0, 1])
        #expect(try queued(home.path) == 1)
    }

    @Test("A dismissed disc stays cataloged and kept, out of every list of work", arguments: CatalogBackend.allCases)
    func dismissHeld(backend: CatalogBackend) async throws {
        try await backend.withCatalog(dismissHeld)
    }

    private func dismissHeld() throws {
        let home = Home()
        defer { home.remove() }
        let (receipt, _) = try ingest(IntakeProcess.sampleStudies + "/TROUBLED", home: home.path)
        #expect(receipt["status"] as? String == "held")
        let id = try #require(receipt["submissionId"] as? String)
        let dismiss = try IntakeProcess.run([
            "submissions", "dismiss", "--home", home.path, "--by", "Front desk", "--reason",
            "damaged disc; the patient sends a new copy", id,
        ])
        #expect(dismiss.status == 0, "\(dismiss.standardError)")
        #expect(try list(home.path, "held").isEmpty)
        let dismissed = try list(home.path, "dismissed")
        #expect(dismissed.map { $0["submissionId"] as? String } == [id])
        #expect(dismissed.first?["decisionNote"] as? String == "damaged disc; the patient sends a new copy")
        #expect(try list(home.path, "all").count == 1)
        #expect(try queued(home.path) == 0)
        #expect(try IntakeProcess.run(["check", "--home", home.path]).status == 0)
        let release = try IntakeProcess.run(["submissions", "release", "--home", home.path, "--by", "x", id])
        #expect(release.status == 1)
    }

    @Test("An image cut short inside its pixel data holds the disc")
    func imageCutShort() throws {
        let home = Home()
        defer { home.remove() }
        let drop = home.path + "-drop"
        defer { try? FileManager.default.removeItem(atPath: drop) }
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: drop)
        // A copy that stopped: the last images cut at 90 % and 50 % of their bytes, past their headers.
        for (name, fraction) in [("SAG_009.dcm", 0.9), ("BONE_019.dcm", 0.5)] {
            let path = drop + "/IMAGES/" + name
            let bytes = try #require(FileManager.default.contents(atPath: path))
            try bytes.prefix(Int(Double(bytes.count) * fraction)).write(to: URL(fileURLWithPath: path))
        }
        let (receipt, status) = try ingest(drop, home: home.path)
        #expect(status == 1)
        #expect(receipt["status"] as? String == "held")
        #expect(codes(receipt).filter { $0 == "pixel-data-truncated" }.count == 2)
        #expect((receipt["reasons"] as? [String] ?? []).contains { $0.contains("cut short") })
        let instances = try objects(
            try IntakeProcess.run(["query", "instances", "--home", home.path, "--format", "json"]))
        #expect(instances.filter { $0["damage"] as? String == "pixel-data-truncated" }.count == 2)
    }

    @Test("Other content under a SOPInstanceUID received before holds the disc that brings it")
    func conflictingDuplicate() throws {
        let home = Home()
        defer { home.remove() }
        let first = try ingest(IntakeProcess.sampleStudies + "/CSPINE_CT", home: home.path)
        #expect(first.receipt["status"] as? String == "accepted")
        let drop = home.path + "-drop"
        defer { try? FileManager.default.removeItem(atPath: drop) }
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: drop)
        // One image re-encoded elsewhere: its SOPInstanceUID kept, a header value changed.
        let path = drop + "/IMAGES/SAG_009.dcm"
        var bytes = try #require(FileManager.default.contents(atPath: path))
        let range = try #require(bytes.range(of: Data("CSPINE".utf8)))
        bytes.replaceSubrange(range, with: Data("CSPINF".utf8))
        try bytes.write(to: URL(fileURLWithPath: path))
        let (receipt, status) = try ingest(drop, home: home.path)
        #expect(status == 1)
        #expect(receipt["status"] as? String == "held")
        #expect(codes(receipt).filter { $0 == "duplicate-conflict" }.count == 1)
        #expect(try queued(home.path) == 1)
    }

    @Test("The same disc sent four times is one review that lists the four submissions")
    func resendsJoinOneReview() throws {
        let home = Home()
        defer { home.remove() }
        var ids: [String] = []
        for attempt in 0..<4 {
            let (receipt, status) = try ingest(IntakeProcess.sampleStudies + "/CSPINE_MR", home: home.path)
            #expect(status == 0)
            ids.append(try #require(receipt["submissionId"] as? String))
            #expect(receipt["review"] as? String == (attempt == 0 ? "queued" : "joined"))
            if attempt > 0 { #expect(receipt["reviewOf"] as? String == ids[0]) }
        }
        let reviews = try objects(try IntakeProcess.run(["queue", "list", "--home", home.path, "--format", "json"]))
        #expect(reviews.count == 1)
        let covered = reviews.first?["submissionIds"] as? [String] ?? []
        #expect(covered.first == ids[0])
        #expect(Set(covered) == Set(ids))
    }

    @Test("A quarantined drop read again takes the place of its entry, never a second", arguments: CatalogBackend.allCases)
    func retryQuarantined(backend: CatalogBackend) async throws {
        try await backend.withCatalog(retryQuarantined)
    }

    private func retryQuarantined() throws {
        let setup = try WatchCommandTests.Setup()
        defer { setup.remove() }
        try setup.drop("CSPINE_CT", as: "large-disc", ready: true)
        let watch = try setup.watchOnce("--settle", "0", "--max-files", "5")
        #expect(watch.status == 0, "\(watch.standardError)")
        let quarantined = try list(setup.home, "quarantined")
        let id = try #require(quarantined.first?["submissionId"] as? String)
        #expect(quarantined.first?["reasons"] as? [String] == [
            "The disc holds more files than the intake reads at once; nothing on it was read.",
        ])
        #expect(FileManager.default.fileExists(atPath: setup.home + "/quarantine/" + id + "/REPORT.json"))

        let retry = try IntakeProcess.run([
            "submissions", "retry", "--home", setup.home, "--format", "json", "--max-files", "100000", id,
        ])
        #expect(retry.status == 0, "\(retry.text) \(retry.standardError)")
        let receipt = try #require(try JSONSerialization.jsonObject(with: retry.standardOutput) as? [String: Any])
        #expect(receipt["submissionId"] as? String == id)
        #expect(receipt["status"] as? String == "accepted")
        let all = try list(setup.home, "all")
        #expect(all.map { $0["submissionId"] as? String } == [id])
        #expect(all.first?["status"] as? String == "accepted")
        #expect(all.first?["source"] as? String == "large-disc")
        #expect(!FileManager.default.fileExists(atPath: setup.home + "/quarantine/" + id))
        #expect(!FileManager.default.fileExists(atPath: setup.home + "/store/" + id + "/REPORT.json"))
        #expect(try queued(setup.home) == 1)
        #expect(try IntakeProcess.run(["check", "--home", setup.home]).status == 0)
        let again = try IntakeProcess.run(["submissions", "retry", "--home", setup.home, id])
        #expect(again.status == 2)
        #expect(again.standardError.contains("is accepted"))
    }
}
