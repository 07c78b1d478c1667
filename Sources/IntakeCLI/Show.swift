import ArgumentParser
import Foundation
import StudyCatalog

extension IntakeCommand {
    /// `intake show ID`: a submission, a study or an accession as a tree.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a submission (by id), or a study (by StudyInstanceUID or AccessionNumber), as a tree.",
            discussion: "Exits 1 when nothing has that id."
        )

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var logging: LoggingOptions

        @Option(help: "Output format: text or json.")
        var format: ReportFormat = .text

        @Flag(help: "Print patient names as initials and leave birth dates out.") var redact = false

        @Argument(help: "A submission id, a StudyInstanceUID or an AccessionNumber.")
        var id: String

        func run() async throws {
            let catalog = try await homeOptions.openExistingCatalog(logging: logging)
            let record: OutputRecord
            let text: String
            if let submission = try await catalog.submissionDetail(id) {
                let studies = try await studyTrees(submission.studies, in: catalog)
                record = OutputRecord(fields: [
                    ("submissionId", .text(submission.id)), ("status", .text(submission.status.rawValue)),
                    ("receivedAt", .time(submission.receivedAt)), ("source", .text(submission.source)),
                    ("note", submission.note.map(OutputRecord.Value.text)),
                    ("requester", submission.requester.map(OutputRecord.Value.text)),
                    ("priority", .text(submission.priority.rawValue)),
                    ("reviewStatus", submission.reviewStatus.map { .text($0.rawValue) }),
                    ("decision", submission.decision.map { .text($0.kind.rawValue) }),
                    ("decidedBy", submission.decision.map { .text($0.by) }),
                    ("decidedAt", submission.decision.map { .time($0.at) }),
                    ("decisionNote", submission.decision?.note.map(OutputRecord.Value.text)),
                    ("spinalLevels", .texts(submission.levelsOfConcern)),
                    ("attachments", .texts(submission.attachments)),
                    ("studies", .records(studies.map(\.record))),
                    ("findings", .records(submission.findings.map(OutputRecord.init(finding:)))),
                ])
                var lines = [
                    "Submission \(submission.id): \(submission.status.rawValue), \(submission.priority.rawValue), review \(submission.reviewStatus?.rawValue ?? "none")",
                    "  received \(UTCTime.iso8601(submission.receivedAt)) from \(submission.source)",
                ]
                if let decision = submission.decision {
                    let note = decision.note.map { ": \($0)" } ?? ""
                    lines.append(
                        "  \(decision.kind.rawValue) by \(decision.by), \(UTCTime.iso8601(decision.at))\(note)")
                }
                if let note = submission.note { lines.append("  note     \(note)") }
                if let requester = submission.requester { lines.append("  from     \(requester)") }
                if !submission.levelsOfConcern.isEmpty {
                    lines.append("  concern  \(submission.levelsOfConcern.joined(separator: " "))")
                }
                if !submission.attachments.isEmpty {
                    lines.append("  reports  \(submission.attachments.joined(separator: ", "))")
                }
                lines += studies.flatMap(\.lines).map { "  " + $0 }
                lines += submission.findings.map { finding in
                    "  \(finding.severity.rawValue) \(finding.code)\(finding.path.map { " \($0):" } ?? "") \(finding.message)"
                }
                text = lines.joined(separator: "\n")
            } else {
                var studies = try await catalog.studies(matching: CatalogQuery(studyInstanceUIDs: [id]))
                if studies.isEmpty { studies = try await catalog.studies(matching: CatalogQuery(accessionNumber: id)) }
                guard !studies.isEmpty else {
                    FileHandle.standardError.write(Data("intake: no submission, study or accession \(id)\n".utf8))
                    throw ExitCode(1)
                }
                let trees = try await studyTrees(studies, in: catalog)
                record = OutputRecord(fields: [("studies", .records(trees.map(\.record)))])
                text = trees.flatMap(\.lines).joined(separator: "\n")
            }
            switch format {
            case .json:
                try printJSON(record)
            case .text:
                print(text)
            }
        }

        /// Each study with its series: as a JSON record and as indented lines.
        private func studyTrees(
            _ studies: [StudySummary], in catalog: any Catalog
        ) async throws -> [(record: OutputRecord, lines: [String])] {
            var trees: [(record: OutputRecord, lines: [String])] = []
            for study in studies {
                let series = try await catalog.series(matching: CatalogQuery(studyInstanceUIDs: [study.studyInstanceUID]))
                var record = OutputRecord(study: study, redacted: redact)
                record.fields.append(("series", .records(series.map(OutputRecord.init(series:)))))
                let name = study.patientName.map { redact ? NameKey.initials($0) : $0 } ?? "(no name)"
                let patient = "\(name) (\(study.patientID ?? "no PatientID"))"
                var lines = [
                    "Study \(study.studyDate ?? "--------") \(study.studyDescription ?? "") [\(study.studyInstanceUID)]",
                    "  patient \(patient), submissions \(study.submissionIds.joined(separator: " "))",
                ]
                if !study.spinalLevels.isEmpty {
                    lines.append("  levels  \(study.spinalLevels.joined(separator: " "))")
                }
                lines += series.map { series in
                    let levels = series.spinalLevels.isEmpty ? "" : "  " + series.spinalLevels.joined(separator: " ")
                    return "  Series \(series.seriesNumber.map(String.init) ?? "-") \(series.modality ?? "--") "
                        + "\(series.seriesDescription ?? "") (\(series.plane?.rawValue ?? "no plane"), "
                        + "\(series.numberOfSeriesRelatedInstances) instances)\(levels)"
                }
                trees.append((record, lines))
            }
            return trees
        }
    }
}
