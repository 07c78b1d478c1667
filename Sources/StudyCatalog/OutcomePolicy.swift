/// What the pipeline decides of a submission once the catalog has judged its duplicates: accepted
/// (its review queued), held for a person, or quarantined. The catalog applies it inside the
/// transaction that writes the submission, where the duplicates become known; the rule itself is
/// the pipeline's (`OutcomeRule`), never the backend's.
public protocol OutcomePolicy: Sendable {
    /// The status of `submission` given its own findings and the duplicate findings the catalog
    /// adds (`duplicateFindings`).
    func status(of submission: SubmissionRecord, duplicateFindings: [SubmissionRecord.Finding])
        -> SubmissionRecord.Status
}

/// What `Catalog.record` wrote: the status the outcome policy gave the submission, and the
/// duplicate findings the catalog added to its own.
public struct RecordedSubmission: Sendable {
    public var status: SubmissionRecord.Status
    public var duplicateFindings: [SubmissionRecord.Finding]

    public init(status: SubmissionRecord.Status, duplicateFindings: [SubmissionRecord.Finding]) {
        self.status = status
        self.duplicateFindings = duplicateFindings
    }
}
