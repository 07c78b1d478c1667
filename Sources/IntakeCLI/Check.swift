import ArgumentParser
import DICOM
import Intake

extension IntakeCommand {
    /// `intake check`: the catalog against the disk.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Verify the catalog against the disk: every cataloged file there with its hash, every kept file known.",
            discussion: "Reads every kept file whole. Exits 0 when catalog and disk agree, 1 on any difference."
        )

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var logging: LoggingOptions
        @Option(help: "Output format: text or json.") var format: ReportFormat = .text
        @Option(help: "Files hashed at once (default: the number of cores).")
        var jobs: Int = DICOMReader.processorCount

        func validate() throws {
            if jobs < 1 { throw ValidationError("--jobs must be at least 1") }
        }

        func run() async throws {
            let catalog = try await homeOptions.openExistingCatalog(logging: logging)
            let report = try await CatalogCheck(home: homeOptions.intakeHome, catalog: catalog).run(jobs: jobs)
            switch format {
            case .json: try printJSON(report)
            case .text:
                print(
                    "\(report.submissions) submissions, \(report.filesChecked) files checked, "
                        + "\(report.differences.count) differences")
                for difference in report.differences {
                    print("  \(difference.code) \(difference.path): \(difference.message)")
                }
            }
            if !report.differences.isEmpty { throw ExitCode(1) }
        }
    }
}
