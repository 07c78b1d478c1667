import Foundation
import Testing

@Suite("Archive drops: .zip, .iso, .tar.gz and .7z as safe as folders", .serialized)
struct ArchiveTests {
    /// A temporary folder with the hostile archives of `Scripts/make-hostile-archives` and archives
    /// of the CSPINE_MR disc made with bsdtar, made once per test process (the bomb takes a while);
    /// each test works in a folder of its own below it, removed by `remove()`.
    struct Archives {
        static let shared = NSTemporaryDirectory() + "studyintake-archives-" + UUID().uuidString
        nonisolated(unsafe) static var made = false
        static let making = NSLock()

        let root = Self.shared + "/test-" + UUID().uuidString
        var hostile: String { Self.shared + "/hostile" }
        var disc: String { Self.shared }

        init() throws {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            Self.making.lock()
            defer { Self.making.unlock() }
            guard !Self.made else { return }
            Self.made = true
            atexit { try? FileManager.default.removeItem(atPath: ArchiveTests.Archives.shared) }
            let scripts = URL(fileURLWithPath: IntakeProcess.sampleStudies).deletingLastPathComponent()
                .appendingPathComponent("Scripts").path
            let made = try IntakeProcess.run(
                ["python3", scripts + "/make-hostile-archives", hostile], executable: "/usr/bin/env")
            #expect(made.status == 0, "\(made.standardError)")
            let disc = IntakeProcess.sampleStudies + "/CSPINE_MR"
            for (name, options) in [
                ("disc.zip", ["--format", "zip"]), ("disc.tar.gz", ["--format", "ustar", "-z"]),
                ("disc.iso", ["--format", "iso9660"]), ("disc.7z", ["--format", "7zip"]),
            ] {
                let archive = try IntakeProcess.run(
                    ["bsdtar", "-cf", Self.shared + "/" + name] + options + ["-C", disc, "."],
                    executable: "/usr/bin/env")
                #expect(archive.status == 0, "\(archive.standardError)")
            }
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    private func report(_ outcome: IntakeProcess.Outcome) throws -> [String: Any] {
        let reports = try #require(try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [[String: Any]])
        return try #require(reports.first)
    }

    private func codes(_ report: [String: Any]) -> [String: [String]] {
        var byCode: [String: [String]] = [:]
        for finding in report["findings"] as? [[String: Any]] ?? [] {
            byCode[finding["code"] as? String ?? "", default: []].append(finding["path"] as? String ?? "")
        }
        return byCode
    }

    /// The catalog as queries show it, without the submission ids that differ between homes.
    private func catalog(_ home: String) throws -> [String] {
        try ["studies", "series", "instances"].map { level in
            let query = try IntakeProcess.run(["query", level, "--home", home, "--format", "json"])
            #expect(query.status == 0)
            var rows = try #require(try JSONSerialization.jsonObject(with: query.standardOutput) as? [[String: Any]])
            rows = rows.map { $0.filter { $0.key != "submissionIds" && $0.key != "submissionId" } }
            let data = try JSONSerialization.data(withJSONObject: rows, options: [.sortedKeys])
            return String(decoding: data, as: UTF8.self)
        }
    }

    @Test("A zip, a tar.gz, an iso and a 7z of a disc give the same catalog as the folder, the archive kept")
    func sameCatalogAsFolder() throws {
        let archives = try Archives()
        defer { archives.remove() }
        let folderHome = archives.root + "/home-folder"
        let folder = try IntakeProcess.run([
            "ingest", "--home", folderHome, "--note", "C5-6", IntakeProcess.sampleStudies + "/CSPINE_MR",
        ])
        #expect(folder.status == 0, "\(folder.standardError)")
        let expected = try catalog(folderHome)
        // `plain.iso` as a CD burner writes it: ISO 9660 level 1 names, no Rock Ridge, no Joliet.
        for name in ["disc.zip", "disc.tar.gz", "disc.iso", "disc.7z", "hostile/plain.iso"] {
            let home = archives.root + "/home-" + name.replacingOccurrences(of: "/", with: "-")
            let ingest = try IntakeProcess.run([
                "ingest", "--home", home, "--format", "json", "--note", "C5-6", archives.disc + "/" + name,
            ])
            #expect(ingest.status == 0, "\(name): \(ingest.standardError)")
            let receipt = try report(ingest)
            #expect(receipt["spinalLevels"] as? [String] == ["C5-C6"], "\(name)")
            #expect(try catalog(home) == expected, "\(name)")
            let stored = try #require(receipt["storedAt"] as? String)
            let kept = try FileManager.default.contentsOfDirectory(atPath: stored)
            #expect(kept.contains { $0.hasPrefix("ORIGINAL.") }, "\(name): \(kept)")
            #expect(try IntakeProcess.run(["check", "--home", home]).status == 0, "\(name)")
            let validate = try IntakeProcess.run(["validate", "--format", "json", archives.disc + "/" + name])
            #expect(validate.status == 0, "\(name)")
            #expect((try report(validate)["counts"] as? [String: Int])?["instances"] == 48, "\(name)")
        }
    }

    @Test("Entries that leave the drop are findings, and nothing is written outside the staging folder")
    func zipSlip() throws {
        let archives = try Archives()
        defer { archives.remove() }
        let home = archives.root + "/home"
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: archives.root))
        let ingest = try IntakeProcess.run([
            "ingest", "--home", home, "--format", "json", archives.hostile + "/zip-slip.zip",
        ])
        #expect(ingest.status == 1)
        let receipt = try report(ingest)
        #expect(codes(receipt)["path-escape"]?.count == 5)
        #expect((receipt["counts"] as? [String: Int])?["instances"] == 1)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: archives.root)) == before.union(["home"]))
        for escaped in ["/escaped.dcm", "/up.dcm", "/backslash.dcm", "/hostile/escaped.dcm"] {
            #expect(!FileManager.default.fileExists(atPath: archives.root + escaped), "\(escaped)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/absolute.dcm"))
        let stored = try #require(receipt["storedAt"] as? String)
        #expect(
            try FileManager.default.subpathsOfDirectory(atPath: stored).sorted() == [
                "ORIGINAL.zip", "good", "good/IM1",
            ])
        #expect(try IntakeProcess.run(["check", "--home", home]).status == 0)
    }

    @Test(
        "Each hostile or broken archive gives its findings, reads what it safely can, and holds a disc cut short",
        arguments: [
            ("links.tar", ["symlink-skipped": 1, "hard-link-skipped": 1, "not-regular-file": 2], 1, "accepted"),
            ("duplicates.zip", ["duplicate-entry": 2], 2, "accepted"),
            ("encrypted.zip", ["encrypted-entry": 2, "empty-submission": 1], 0, "quarantined"),
            ("truncated.zip", ["archive-damaged": 1], 2, "held"),
            ("truncated.tar.gz", ["archive-damaged": 1], 2, "held"),
            ("cp437.zip", ["non-utf8-name": 2], 1, "accepted"),
            ("nested.zip", ["not-dicom": 1], 1, "accepted"),
            ("split.zip", ["split-archive": 1], 1, "held"),
            ("bomb.tar.xz", ["limit-exceeded": 1], 1, "held"),
        ])
    func hostileArchive(name: String, expected: [String: Int], instances: Int, status: String) throws {
        let archives = try Archives()
        defer { archives.remove() }
        let home = archives.root + "/home"
        let (ingest, peak) = try IntakeProcess.runMeasuringPeakMemory([
            "ingest", "--home", home, "--format", "json", archives.hostile + "/" + name,
        ])
        #expect(ingest.status == 0 || ingest.status == 1, "\(ingest.standardError)")
        let receipt = try report(ingest)
        let found = codes(receipt)
        for (code, count) in expected {
            #expect(found[code]?.count == count, "\(code) in \(found)")
        }
        #expect((receipt["counts"] as? [String: Int])?["instances"] == instances)
        #expect(receipt["status"] as? String == status)
        // What the archive costs beyond what the program costs doing nothing (its code, libraries and
        // runtime: about 30 MB, more in a debug build): a bomb never makes it hold what it unpacks to.
        let (_, idle) = try IntakeProcess.runMeasuringPeakMemory(["stats", "--home", home])
        #expect(peak > 0 && idle > 0 && peak - idle < 40 * 1024, "peak RSS \(peak) KiB, \(idle) KiB idle")
        #expect(try IntakeProcess.run(["check", "--home", home]).status == 0)
        // Validation reads the same archive without writing and finds the same.
        let validate = try IntakeProcess.run([
            "validate", "--format", "json", "--rules", "none", archives.hostile + "/" + name,
        ])
        let validated = codes(try report(validate))
        for (code, count) in expected where code != "not-dicom" {
            #expect(validated[code]?.count == count, "validate: \(code) in \(validated)")
        }
    }

    @Test("Names are kept as decoded: a CP437 name is stored in UTF-8; a nested archive is a document")
    func namesAndNestedArchives() throws {
        let archives = try Archives()
        defer { archives.remove() }
        let home = archives.root + "/home"
        for name in ["cp437.zip", "nested.zip"] {
            let ingest = try IntakeProcess.run(["ingest", "--home", home, archives.hostile + "/" + name])
            #expect(ingest.status == 0, "\(ingest.standardError)")
        }
        let stored = try FileManager.default.contentsOfDirectory(atPath: home + "/store").filter { !$0.hasPrefix(".") }
        let files = try stored.flatMap { try FileManager.default.subpathsOfDirectory(atPath: home + "/store/" + $0) }
        #expect(files.contains("MÜLLER/IM1"))
        #expect(files.contains("inner.zip"))
        let stats = try IntakeProcess.run(["stats", "--home", home, "--format", "csv"])
        #expect(stats.text.contains("files.archive,2"))
    }

    @Test("Limits: more files than --max-files quarantines it; --max-unpacked-bytes stops the unpacking")
    func limits() throws {
        let archives = try Archives()
        defer { archives.remove() }
        let home = archives.root + "/home"
        let many = try IntakeProcess.run([
            "ingest", "--home", home, "--format", "json", "--max-files", "5", archives.hostile + "/many.zip",
        ])
        #expect(many.status == 1)
        let quarantined = try report(many)
        #expect(quarantined["status"] as? String == "quarantined")
        #expect(codes(quarantined)["limit-exceeded"]?.count == 1)
        let unpacked = try IntakeProcess.run([
            "validate", "--format", "json", "--max-unpacked-bytes", "100000", archives.disc + "/disc.zip",
        ])
        #expect(unpacked.status == 1)
        #expect(codes(try report(unpacked))["limit-exceeded"]?.count == 1)
    }

    @Test("An archive is not cataloged in place: one clear line, exit 2")
    func notInPlace() throws {
        let archives = try Archives()
        defer { archives.remove() }
        let ingest = try IntakeProcess.run([
            "ingest", "--home", archives.root + "/home", "--in-place", archives.disc + "/disc.zip",
        ])
        #expect(ingest.status == 2)
        #expect(ingest.standardError.contains("archive"))
        #expect(ingest.standardError.split(separator: "\n").count == 1)
    }

    @Test("inspect lists an archive's entries header by header, with its links and escapes")
    func inspect() throws {
        let archives = try Archives()
        defer { archives.remove() }
        let inspect = try IntakeProcess.run(["inspect", "--format", "json", archives.hostile + "/zip-slip.zip"])
        #expect(inspect.status == 0)
        let entries = try #require(try JSONSerialization.jsonObject(with: inspect.standardOutput) as? [[String: Any]])
        #expect(entries.filter { $0["SOPInstanceUID"] != nil }.count == 1)
        #expect(entries.filter { $0["errorCode"] as? String == "path-escape" }.count == 5)
    }

    @Test("The inbox takes archives: settled or NAME.READY, claimed once; other top-level files are logged, left alone")
    func inbox() throws {
        let archives = try Archives()
        defer { archives.remove() }
        let inbox = archives.root + "/inbox"
        let home = archives.root + "/home"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: archives.disc + "/disc.zip", toPath: inbox + "/PATIENT.zip")
        try FileManager.default.copyItem(atPath: archives.disc + "/disc.tar.gz", toPath: inbox + "/cd.tgz")
        #expect(FileManager.default.createFile(atPath: inbox + "/cd.tgz.READY", contents: nil))
        #expect(FileManager.default.createFile(atPath: inbox + "/letter.pdf", contents: Data("%PDF-1.4".utf8)))
        let watch = try IntakeProcess.run(["watch", "--once", "--inbox", inbox, "--home", home, "--settle", "0.3"])
        #expect(watch.status == 0, "\(watch.standardError)")
        #expect(watch.standardError.contains("left alone"))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: inbox).filter { !$0.hasPrefix(".") }.sorted() == [
                "letter.pdf", "receipts",
            ])
        #expect(FileManager.default.fileExists(atPath: inbox + "/receipts/cd.tgz.txt"))
        let stats = try IntakeProcess.run(["stats", "--home", home, "--format", "csv"])
        #expect(stats.text.contains("submissions,2"))
        #expect(stats.text.contains("files.archive,2"))
        #expect(try IntakeProcess.run(["check", "--home", home]).status == 0)
    }
}
