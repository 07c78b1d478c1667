import Foundation

/// A review of one submission in the queue.
public struct ReviewSummary: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        case queued, claimed, done
    }

    public var submissionId: String
    public var status: Status
    public var priority: SubmissionRecord.Priority
    public var reviewer: String?
    public var queuedAt: Date
    public var claimedAt: Date?
    public var completedAt: Date?
    public var outcome: String?
    /// Canonical levels of the submission's note.
    public var levelsOfConcern: [String]
    public var patientNames: [String]

    public init(
        submissionId: String, status: Status, priority: SubmissionRecord.Priority, reviewer: String?,
        queuedAt: Date, claimedAt: Date?, completedAt: Date?, outcome: String?, levelsOfConcern: [String],
        patientNames: [String]
    ) {
        self.submissionId = submissionId
        self.status = status
        self.priority = priority
        self.reviewer = reviewer
        self.queuedAt = queuedAt
        self.claimedAt = claimedAt
        self.completedAt = completedAt
        self.outcome = outcome
        self.levelsOfConcern = levelsOfConcern
        self.patientNames = patientNames
    }
}
