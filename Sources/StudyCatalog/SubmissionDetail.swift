import Foundation

/// One submission with what hangs from it, for `intake show`.
public struct SubmissionDetail: Sendable {
    public var id: String
    public var receivedAt: Date
    public var source: String
    public var status: SubmissionRecord.Status
    public var note: String?
    public var requester: String?
    public var priority: SubmissionRecord.Priority
    public var levelsOfConcern: [String]
    /// Nil for a quarantined submission, which is never queued.
    public var reviewStatus: ReviewSummary.Status?
    /// Paths (within the submission) of reports for the reviewer.
    public var attachments: [String]
    public var findings: [SubmissionRecord.Finding]
    public var studies: [StudySummary]

    public init(
        id: String, receivedAt: Date, source: String, status: SubmissionRecord.Status, note: String?,
        requester: String?, priority: SubmissionRecord.Priority, levelsOfConcern: [String],
        reviewStatus: ReviewSummary.Status?, attachments: [String], findings: [SubmissionRecord.Finding],
        studies: [StudySummary]
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.source = source
        self.status = status
        self.note = note
        self.requester = requester
        self.priority = priority
        self.levelsOfConcern = levelsOfConcern
        self.reviewStatus = reviewStatus
        self.attachments = attachments
        self.findings = findings
        self.studies = studies
    }
}

/// A quarantined submission as `intake quarantine list` shows it.
public struct QuarantinedSubmission: Sendable, Hashable {
    public var id: String
    public var receivedAt: Date
    public var source: String
    /// Codes of its error findings, sorted.
    public var errors: [String]

    public init(id: String, receivedAt: Date, source: String, errors: [String]) {
        self.id = id
        self.receivedAt = receivedAt
        self.source = source
        self.errors = errors
    }
}
