import ArgumentParser
import Foundation
import Intake
import StudyCatalog

extension IntakeCommand {
    /// `intake quarantine list|retry`.
    struct Quarantine: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submissions that could not be accepted: list them, put a fixed one through again.",
            subcommands: [QuarantineList.self, QuarantineRetry.self]
        )
    }
}

/// `intake quarantine list`.
struct QuarantineList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Quarantined submissions, oldest first.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @Option(help: "Output format: table, json or csv.") var format: DataFormat = .table

    func run() async throws {
        let catalog = try await homeOptions.openExistingCatalog(logging: logging)
        let records = try await catalog.quarantinedSubmissions().map { entry in
            OutputRecord(fields: [
                ("submissionId", .text(entry.id)), ("receivedAt", .time(entry.receivedAt)),
                ("source", .text(entry.source)),
                ("errors", .texts(entry.errors)),
            ])
        }
        try format.print(
            records, tableColumns: [("submissionId", "Submission"), ("errors", "Errors"), ("source", "Source")])
    }
}

/// `intake quarantine retry ID`.
struct QuarantineRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Put a quarantined submission, fixed in <home>/quarantine/<id>/, through again.",
        discussion: "Prints the new receipt. Exits 1 when it has errors again, 2 when ID is not quarantined.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var limitOptions: LimitOptions
    @Option(help: "Output format: text or json.") var format: ReportFormat = .text
    @Argument(help: "The quarantined submission's id.") var id: String

    func run() async throws {
        logging.bootstrap()
        let receipt = try await homeOptions.ingester(limits: limitOptions).retryQuarantined(id)
        switch format {
        case .json: try printJSON(receipt)
        case .text: print(receipt.text)
        }
        if receipt.hasErrors { throw ExitCode(1) }
    }
}
