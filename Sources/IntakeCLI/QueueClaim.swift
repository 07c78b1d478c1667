import ArgumentParser
import Foundation
import StudyCatalog

/// `intake queue claim [ID] --reviewer R`.
struct QueueClaim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "claim",
        abstract: "Claim a review: the one named, or the next (urgent first, then oldest).",
        discussion: "Exits 1 when someone else has it or nothing is queued.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @Option(help: "Who claims it.") var reviewer: String
    @Option(help: "Output format: table, json or csv.") var format: DataFormat = .table
    @Argument(help: "Submission id; the next queued review when left out.") var id: String?

    func run() async throws {
        let catalog = try await homeOptions.openExistingCatalog(logging: logging)
        try await printReviewChange(format) {
            try await catalog.claimReview(id, reviewer: reviewer)
        }
    }
}

/// Prints the review a queue command changed, or says in one line why it could not (exit 1).
func printReviewChange(_ format: DataFormat, _ change: () async throws -> ReviewSummary) async throws {
    let review: ReviewSummary
    do {
        review = try await change()
    } catch let error as CatalogError where error.code == .stateConflict || error.code == .notFound {
        FileHandle.standardError.write(Data("intake: \(error.context): \(error.detail)\n".utf8))
        throw ExitCode(1)
    }
    try format.print([OutputRecord(review: review)], tableColumns: OutputRecord.reviewColumns)
}
