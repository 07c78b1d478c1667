import ArgumentParser
import StudyCatalog

/// `intake queue complete ID [--outcome TEXT]`.
struct QueueComplete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "complete", abstract: "Mark a claimed review done.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @Option(help: "The reviewer's conclusion, e.g. \"surgery advised: C3-C4 laminoplasty\".") var outcome: String?
    @Option(help: "Output format: table, json or csv.") var format: DataFormat = .table
    @Argument(help: "Submission id.") var id: String

    func run() async throws {
        let catalog = try await homeOptions.openExistingCatalog(logging: logging)
        try await printReviewChange(format) { try await catalog.completeReview(id, outcome: outcome) }
    }
}
