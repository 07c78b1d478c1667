import Foundation

/// A review in the queue: of the submission it was queued for, and of those joined to it.
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
    /// The submissions it covers: its own, then the ones joined to it, by id (their time of arrival).
    public var submissionIds: [String]
    /// The done review this one follows up, when it was queued for new series of a reviewed case.
    public var followUpOf: String?

    public init(
        submissionId: String, status: Status, priority: SubmissionRecord.Priority, reviewer: String?,
        queuedAt: Date, claimedAt: Date?, completedAt: Date?, outcome: String?, levelsOfConcern: [String],
        patientNames: [String], submissionIds: [String] = [], followUpOf: String? = nil
    ) {
        self.submissionIds = submissionIds.isEmpty ? [submissionId] : submissionIds
        self.followUpOf = followUpOf
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
