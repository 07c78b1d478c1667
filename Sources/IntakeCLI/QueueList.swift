import ArgumentParser
import StudyCatalog

/// `intake queue list`.
struct QueueList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Reviews by status, urgent first, then oldest first.")

    enum StatusFilter: String, ExpressibleByArgument, CaseIterable { case queued, claimed, done, all }

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @Option(help: "queued, claimed, done or all.") var status: StatusFilter = .queued
    @Option(help: "Only this reviewer's.") var reviewer: String?
    @Option(help: "Output format: table, json or csv.") var format: DataFormat = .table

    func run() async throws {
        let catalog = try await homeOptions.openExistingCatalog(logging: logging)
        let reviews = try await catalog.reviews(
            status: status == .all ? nil : ReviewSummary.Status(rawValue: status.rawValue), reviewer: reviewer)
        try format.print(reviews.map(OutputRecord.init(review:)), tableColumns: OutputRecord.reviewColumns)
    }
}
