import ArgumentParser
import DICOM
import Foundation
import Intake

extension IntakeCommand {
    /// `intake validate PATH…`: the intake's rules as a batch check; reads only.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check submission folders and archives with the intake's rules, writing nothing anywhere.",
            discussion: "Exits 0 when no finding is an error, 1 when one is, 2 when a PATH cannot be read."
        )

        @OptionGroup var logging: LoggingOptions

        @OptionGroup var limitOptions: LimitOptions
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text
        @Option(help: "spine-review (default: also checks what a cervical-spine second opinion needs) or none.")
        var rules: RuleChoice = .spineReview

        enum RuleChoice: String, ExpressibleByArgument, CaseIterable {
            case spineReview = "spine-review"
            case none
        }
        @Option(help: "Files read at once, over all the PATHs (default: the number of cores); as many PATHs at once.")
        var jobs: Int = DICOMReader.processorCount
        @Argument(help: "Submission folders or archives (.zip, .iso, .tar, .tar.gz, .7z).") var paths: [String]

        func validate() throws {
            if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        }

        func run() async throws {
            logging.bootstrap()
            let validator = Validator(spineReview: rules == .spineReview, limits: limitOptions.limits)
            let reports = try await validator.validate(paths: paths, reads: ReadPermits(jobs)).map { try $0.get() }
            switch format {
            case .json: try printJSON(reports)
            case .text: print(reports.map(\.text).joined(separator: "\n"))
            }
            if reports.contains(where: \.hasErrors) { throw ExitCode(1) }
        }
    }
}

extension ValidationReport {
    /// A summary line, then the findings grouped by severity.
    var text: String {
        var lines = [
            "\(path): \(status) — \(counts.files) files (\(counts.dicom) DICOM), \(counts.patients) patients, "
                + "\(counts.studies) studies, \(counts.series) series, \(counts.instances) instances"
        ]
        for severity in ["error", "warning", "info"] {
            let group = findings.filter { $0.severity == severity }
            guard !group.isEmpty else { continue }
            lines.append("  \(severity)s:")
            lines += group.map { "    \($0.code)\($0.path.map { " \($0):" } ?? "") \($0.message)" }
        }
        return lines.joined(separator: "\n")
    }
}
