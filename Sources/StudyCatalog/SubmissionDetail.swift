/// One submission with what hangs from it, for `intake show`.
public struct SubmissionDetail: Sendable {
    public var id: String
    /// ISO 8601.
    public var receivedAt: String
    public var source: String
    public var status: String
    public var note: String?
    public var requester: String?
    public var priority: String
    public var levelsOfConcern: [String]
    /// queued, claimed or done; nil for a quarantined submission.
    public var reviewStatus: String?
    /// Paths (within the submission) of reports for the reviewer.
    public var attachments: [String]
    public var findings: [SubmissionRecord.Finding]
    public var studies: [StudySummary]
}
