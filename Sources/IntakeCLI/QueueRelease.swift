import ArgumentParser
import StudyCatalog

/// `intake queue release ID`.
struct QueueRelease: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release", abstract: "Put a claimed review back in the queue.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @Option(help: "Output format: table, json or csv.") var format: DataFormat = .table
    @Argument(help: "Submission id.") var id: String

    func run() async throws {
        let catalog = try await homeOptions.openExistingCatalog(logging: logging)
        try await printReviewChange(format) { try await catalog.releaseReview(id) }
    }
}
