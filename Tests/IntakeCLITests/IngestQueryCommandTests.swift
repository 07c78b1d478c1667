import Foundation
import Testing

@Suite("intake ingest and query, run as a program")
struct IngestQueryCommandTests {
    /// A fresh home for one test; `remove()` deletes it.
    struct Home {
        let path = NSTemporaryDirectory() + "studyintake-cli-" + UUID().uuidString
        func remove() { try? FileManager.default.removeItem(atPath: path) }
    }

    private func json(_ outcome: IntakeProcess.Outcome) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [[String: Any]])
    }

    @Test("Ingest prints a receipt; query studies and series print the contract's JSON keys", arguments: CatalogBackend.allCases)
    func ingestThenQuery(backend: CatalogBackend) async throws {
        try await backend.withCatalog(ingestThenQuery)
    }

    private func ingestThenQuery() throws {
        let home = Home()
        defer { home.remove() }
        let disc = IntakeProcess.sampleStudies + "/CSPINE_MR"
        let ingest = try IntakeProcess.run([
            "ingest", "--home", home.path, "--format", "json", "--note", "OPLL between C3 and C4, extended to C2", disc,
        ])
        #expect(ingest.status == 0, "\(ingest.standardError)")
        let receipt = try #require(try json(ingest).first)
        let submissionId = try #require(receipt["submissionId"] as? String)
        #expect(receipt["status"] as? String == "accepted")
        #expect(receipt["spinalLevels"] as? [String] == ["C2", "C3-C4"])
        #expect((receipt["counts"] as? [String: Int])?["instances"] == 48)

        let studies = try IntakeProcess.run(["query", "studies", "--home", home.path, "--format", "json"])
        #expect(studies.status == 0)
        let study = try #require(try json(studies).first)
        #expect(
            Set(study.keys) == [
                "StudyInstanceUID", "PatientID", "PatientName", "PatientBirthDate", "PatientSex", "StudyDate",
                "StudyTime",
                "AccessionNumber", "StudyDescription", "ModalitiesInStudy", "NumberOfStudyRelatedSeries",
                "NumberOfStudyRelatedInstances", "spinalLevels", "submissionIds",
            ])
        #expect(study["PatientName"] as? String == "DOE^JANE")
        #expect(study["ModalitiesInStudy"] as? [String] == ["MR"])
        #expect(study["NumberOfStudyRelatedSeries"] as? Int == 3)
        #expect(study["NumberOfStudyRelatedInstances"] as? Int == 48)
        #expect(study["spinalLevels"] as? [String] == ["C3-C4"])
        #expect(study["submissionIds"] as? [String] == [submissionId])

        let series = try IntakeProcess.run([
            "query", "series", "--home", home.path, "--format", "json", "--level", "C4", "--modality", "MR",
        ])
        let found = try json(series)
        #expect(found.count == 1)
        #expect(
            Set(found.first?.keys.map { $0 } ?? []) == [
                "SeriesInstanceUID", "StudyInstanceUID", "Modality", "SeriesNumber", "SeriesDescription",
                "BodyPartExamined", "NumberOfSeriesRelatedInstances", "plane", "spinalLevels",
            ])
        #expect(found.first?["plane"] as? String == "axial")

        let show = try IntakeProcess.run(["show", "--home", home.path, "--format", "json", submissionId])
        #expect(show.status == 0)
        let tree = try #require(try JSONSerialization.jsonObject(with: show.standardOutput) as? [String: Any])
        #expect(tree["reviewStatus"] as? String == "queued")
        #expect(tree["spinalLevels"] as? [String] == ["C2", "C3-C4"])
        let shownStudy = try #require((tree["studies"] as? [[String: Any]])?.first)
        #expect(
            (shownStudy["series"] as? [[String: Any]])?.map { $0["SeriesDescription"] as? String } == [
                "SAG T1 C-SPINE", "SAG T2 C-SPINE", "AX T2 C3-C4",
            ])
        let redacted = try IntakeProcess.run(["query", "studies", "--home", home.path, "--format", "json", "--redact"])
        let redactedStudy = try #require(try json(redacted).first)
        #expect(redactedStudy["PatientName"] as? String == "D.J.")
        #expect(redactedStudy["PatientBirthDate"] == nil)
        let redactedShow = try IntakeProcess.run(["show", "--home", home.path, "--redact", submissionId])
        #expect(redactedShow.text.contains("patient D.J. (MR40511)"))
        #expect(!redactedShow.text.contains("DOE"))
        let byAccession = try IntakeProcess.run(["show", "--home", home.path, "A20240415001"])
        #expect(byAccession.status == 0)
        #expect(byAccession.text.contains("Series 3 MR AX T2 C3-C4 (axial, 18 instances)  C3-C4"))
        let unknown = try IntakeProcess.run(["show", "--home", home.path, "no-such-id"])
        #expect(unknown.status == 1)
        #expect(unknown.standardError == "intake: no submission, study or accession no-such-id\n")

        let instances = try IntakeProcess.run([
            "query", "instances", "--home", home.path, "--format", "csv", "--patient-name", "doe*", "--limit", "2",
        ])
        let lines = instances.text.split(separator: "\n")
        #expect(lines.count == 3)
        #expect(
            lines.first
                == "SOPInstanceUID,SeriesInstanceUID,SOPClassUID,InstanceNumber,TransferSyntaxUID,submissionId,path,damage")
    }

    @Test("A disc with error findings exits 1 and is still cataloged; the table fits 80 columns", arguments: CatalogBackend.allCases)
    func troubledExitsOne(backend: CatalogBackend) async throws {
        try await backend.withCatalog(troubledExitsOne)
    }

    private func troubledExitsOne() throws {
        let home = Home()
        defer { home.remove() }
        let ingest = try IntakeProcess.run(["ingest", "--home", home.path, IntakeProcess.sampleStudies + "/TROUBLED"])
        #expect(ingest.status == 1)
        #expect(ingest.text.contains("error truncated DICOM/IM000003"))
        #expect(ingest.standardError.isEmpty)  // no progress line and no log noise when stderr is not a terminal
        let table = try IntakeProcess.run(["--home", home.path, "query", "studies"])
        #expect(table.status == 0)
        #expect(table.text.contains("POE^EDGAR"))
        #expect(table.text.split(separator: "\n").allSatisfy { $0.count <= 80 })

        let stats = try IntakeProcess.run(["stats", "--home", home.path, "--format", "json"])
        #expect(stats.status == 0)
        var counts: [String: Int] = [:]
        for row in try json(stats) {
            if let name = row["name"] as? String, let count = row["count"] as? Int { counts[name] = count }
        }
        #expect(counts["submissions"] == 1)
        #expect(counts["instances"] == 3)
        #expect(counts["files.viewer"] == 2)
        #expect(counts["findings.error"] == 5)
        #expect(counts["submissions.held"] == 1)
        #expect(counts["reviews.queued"] == nil)
    }

    @Test(
        "Several PATHs go in at once, their receipts and transactions in the PATHs' order: the same disc twice, the second is its duplicate",
        arguments: CatalogBackend.allCases)
    func severalPaths(backend: CatalogBackend) async throws {
        try await backend.withCatalog(severalPaths)
    }

    private func severalPaths() throws {
        let mr = IntakeProcess.sampleStudies + "/CSPINE_MR"
        let charsets = IntakeProcess.sampleStudies + "/CHARSETS"
        let home = Home()
        defer { home.remove() }
        let ingest = try IntakeProcess.run([
            "ingest", "--home", home.path, "--format", "json", "--jobs", "2", mr, charsets, mr,
        ])
        // CHARSETS holds two patients and no form says so: held, exit 1.
        #expect(ingest.status == 1, "\(ingest.standardError)")
        let receipts = try json(ingest)
        #expect(receipts.map { $0["source"] as? String } == [mr, charsets, mr])
        let summaries = receipts.map { receipt in
            let counts = receipt["counts"] as? [String: Any] ?? [:]
            return "\(counts["instances"] ?? "?") instances, \(counts["duplicates"] ?? "?") duplicates"
        }
        // The first copy is cataloged, the second is all duplicates of it, whichever was read first.
        #expect(summaries == ["48 instances, 0 duplicates", "9 instances, 0 duplicates", "48 instances, 48 duplicates"])
        #expect(receipts.map { $0["status"] as? String } == ["accepted", "held", "accepted"])
    }

    @Test("A drop that is a symbolic link is refused, with or without a trailing slash; the other PATHs go in")
    func symlinkedDrop() throws {
        let home = Home()
        defer { home.remove() }
        let link = home.path + "-link"
        try FileManager.default.createSymbolicLink(
            atPath: link, withDestinationPath: IntakeProcess.sampleStudies + "/CSPINE_CT")
        defer { try? FileManager.default.removeItem(atPath: link) }
        let outcome = try IntakeProcess.run([
            "ingest", "--home", home.path, "--format", "json", link + "/", IntakeProcess.sampleStudies + "/CHARSETS",
        ])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.contains("symbolic links are not followed"))
        #expect(try json(outcome).count == 1)
        let studies = try IntakeProcess.run(["query", "studies", "--home", home.path, "--format", "json"])
        #expect(try json(studies).count == 9)
    }

    @Test("Ingest logs name submissions and counts, never patients")
    func logsWithoutNames() throws {
        let home = Home()
        defer { home.remove() }
        let ingest = try IntakeProcess.run([
            "ingest", "--home", home.path, "--log-level", "debug", IntakeProcess.sampleStudies + "/TWO_PATIENTS",
        ])
        // Two patients and no form that says so: held.
        #expect(ingest.status == 1)
        #expect(ingest.standardError.contains(" held"))
        for phi in ["MÜLLER", "MULLER", "Yamada", "山田", "19510707", "19700101"] {
            #expect(!ingest.standardError.contains(phi), "\(phi) in the log")
        }
    }

    @Test(
        "Bad filters and a missing catalog are usage or environment errors (exit 2, one line)",
        arguments: [
            ["query", "studies", "--study-date", "2024-01-01"],
            ["query", "series", "--level", "somewhere"],
            ["query", "studies"],
            ["ingest", "/nonexistent/disc"],
            ["ingest", "--jobs", "0", "/tmp"],
            ["validate", "--jobs", "0", "/tmp"],
        ])
    func usageErrors(arguments: [String]) throws {
        let home = Home()
        defer { home.remove() }
        let outcome = try IntakeProcess.run(arguments + ["--home", home.path])
        #expect(outcome.status == 2)
        #expect(outcome.standardError.hasPrefix("intake: "))
        #expect(outcome.standardError.split(separator: "\n").count == 1)
    }
}
