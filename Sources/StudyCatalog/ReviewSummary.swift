/// A review of one submission in the queue.
public struct ReviewSummary: Sendable, Hashable {
    public enum Status: String, Sendable, CaseIterable {
        case queued, claimed, done
    }

    public var submissionId: String
    public var status: Status
    public var priority: String
    public var reviewer: String?
    /// ISO 8601 times.
    public var queuedAt: String
    public var claimedAt: String?
    public var completedAt: String?
    public var outcome: String?
    /// Canonical levels of the submission's note.
    public var levelsOfConcern: [String]
    public var patientNames: [String]
}
