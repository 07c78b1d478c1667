import ArgumentParser
import StudyCatalog

extension IntakeCommand {
    /// `intake queue list|claim|release|complete|show`: the review queue.
    struct Queue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The review queue: list, claim, release, complete, show.",
            subcommands: [QueueList.self, QueueClaim.self, QueueRelease.self, QueueComplete.self, Show.self]
        )
    }
}

extension OutputRecord {
    /// A review under our own camelCase keys.
    init(review: ReviewSummary) {
        self.init(fields: [
            ("submissionId", .text(review.submissionId)), ("status", .text(review.status.rawValue)),
            ("priority", .text(review.priority.rawValue)), ("reviewer", review.reviewer.map(Value.text)),
            ("queuedAt", .time(review.queuedAt)), ("claimedAt", review.claimedAt.map(Value.time)),
            ("completedAt", review.completedAt.map(Value.time)), ("outcome", review.outcome.map(Value.text)),
            ("spinalLevels", .texts(review.levelsOfConcern)), ("PatientName", .texts(review.patientNames)),
            ("submissionIds", .texts(review.submissionIds)), ("followUpOf", review.followUpOf.map(Value.text)),
        ])
    }

    static let reviewColumns: [(name: String, header: String)] = [
        ("submissionId", "Submission"), ("status", "Status"), ("priority", "Priority"), ("reviewer", "Reviewer"),
        ("spinalLevels", "Concern"),
    ]
}
