import ArgumentParser
import DICOM
import Foundation
import Intake
import StudyCatalog

extension IntakeCommand {
    /// `intake ingest PATH…`: one submission per folder or archive, into the catalog and the store.
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take in disc folders and archives: one submission each, cataloged and kept in the store.",
            discussion: """
                Each PATH is copied into <home>/store/<submission-id>/ (never changed) or, with
                --in-place, indexed where it is. Prints a receipt per submission. Exits 1 when a
                submission is held for a person (a patient not on the form, an image cut short, a
                file the DICOMDIR lists but the disc lacks, …), quarantined, or has an error finding;
                2 when a PATH or the home cannot be used.
                """
        )

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var limitOptions: LimitOptions

        @Option(help: "The note that came with the disc, e.g. \"OPLL between C3 and C4, extended to C2\".")
        var note: String?

        @Option(help: "Read the note from this file.")
        var noteFile: String?

        @Option(help: "Review priority: routine or urgent.")
        var priority: SubmissionRecord.Priority = .routine

        @Flag(help: "Index the files where they are instead of copying them into the store.")
        var inPlace = false

        @Option(help: "Output format: text or json.")
        var format: ReportFormat = .text

        @Option(help: "Files read at once, over all the PATHs (default: the number of cores); as many PATHs at once.")
        var jobs: Int = DICOMReader.processorCount

        @Argument(help: "Disc folders or archives (.zip, .iso, .tar, .tar.gz, .7z, by content), one submission each.")
        var paths: [String]

        func validate() throws {
            if note != nil && noteFile != nil { throw ValidationError("give --note or --note-file, not both") }
            if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
            for path in paths where !FileManager.default.fileExists(atPath: path) && !isSymbolicLink(path) {
                throw ValidationError("no such folder or archive: \(path)")
            }
        }

        func run() async throws {
            logging.bootstrap()
            var noteText = note
            if let noteFile {
                guard let data = FileManager.default.contents(atPath: noteFile) else {
                    throw ValidationError("cannot read the note file \(noteFile)")
                }
                noteText = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            let ingester = try await homeOptions.ingester(limits: limitOptions)
            let (note, priority, inPlace) = (noteText, priority, inPlace)
            let outcomes = await ingester.ingest(drops: paths, reads: ReadPermits(jobs)) { path in
                Ingester.Options(
                    note: note, priority: priority, inPlace: inPlace, progress: ProgressLine.forTerminal(label: path))
            }
            ProgressLine.clear()
            var receipts: [Receipt] = []
            var unusablePaths = 0
            for outcome in outcomes {
                switch outcome {
                case .success(let receipt):
                    receipts.append(receipt)
                case .failure(let error) where error.concernsOneDrop:
                    // One bad PATH does not cost the others their submissions or receipts.
                    FileHandle.standardError.write(Data("intake: \(error)\n".utf8))
                    unusablePaths += 1
                case .failure(let error):
                    throw error
                }
            }
            switch format {
            case .json:
                try printJSON(receipts)
            case .text:
                print(receipts.map(\.text).joined(separator: "\n"))
            }
            if unusablePaths > 0 { throw ExitCode(2) }
            if receipts.contains(where: \.needsAPerson) { throw ExitCode(1) }
        }
    }
}

extension SubmissionRecord.Priority: ExpressibleByArgument {}

extension Receipt {
    /// The receipt for the terminal.
    var text: String {
        var lines = [
            "Submission \(submissionId): \(status)",
        ] + reasons.map { "  why        \($0)" } + [
            "  source     \(source)",
            "  stored at  \(storedAt)",
            "  files      \(counts.files) (\(counts.dicom) DICOM, \(counts.nonDicom) other)",
            "  catalog    \(counts.patients) patients, \(counts.studies) studies, \(counts.series) series, "
                + "\(counts.instances) instances, \(counts.duplicates) duplicates",
        ]
        switch (review, reviewOf) {
        case ("joined", let id?): lines.append("  review     joined the review of \(id)")
        case ("follow-up", let id?): lines.append("  review     queued, a follow-up of \(id)")
        case (let placement?, _): lines.append("  review     \(placement)")
        case (nil, _): break
        }
        if !spinalLevels.isEmpty { lines.append("  concern    \(spinalLevels.joined(separator: " "))") }
        if !attachments.isEmpty { lines.append("  reports    \(attachments.joined(separator: ", "))") }
        // Long runs of one finding (48 duplicates of a resent disc) show their first few lines.
        let shownPerCode = 5
        var shown: [String: Int] = [:]
        for finding in findings {
            shown[finding.code, default: 0] += 1
            guard shown[finding.code]! <= shownPerCode else { continue }
            let place = finding.path.map { " \($0):" } ?? ""
            lines.append("  \(finding.severity) \(finding.code)\(place) \(finding.message)")
        }
        for (code, count) in shown.sorted(by: { $0.key < $1.key }) where count > shownPerCode {
            lines.append("  … and \(count - shownPerCode) more \(code) (--format json lists them all)")
        }
        return lines.joined(separator: "\n")
    }
}
