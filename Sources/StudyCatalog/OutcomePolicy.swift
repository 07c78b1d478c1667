/// What the pipeline decides of a submission once the catalog has judged its duplicates: accepted
/// (its review queued), held for a person, or quarantined. The catalog applies it inside the
/// transaction that writes the submission, where the duplicates become known; the rule itself is
/// the pipeline's (`OutcomeRule`), never the backend's.
public protocol OutcomePolicy: Sendable {
    /// The status of `submission` given its own findings and the duplicate findings the catalog
    /// adds (`duplicateFindings`).
    func status(of submission: SubmissionRecord, duplicateFindings: [SubmissionRecord.Finding])
        -> SubmissionRecord.Status

    /// Where an accepted submission's review goes, given the reviews that already cover one of its
    /// studies and whether it brings a series the catalog did not hold.
    func placement(covering: [CoveringReview], bringsNewSeries: Bool) -> ReviewPlacement
}

/// A review that already covers one of a submission's studies: its own submission's, or one it
/// was joined to.
public struct CoveringReview: Sendable, Hashable {
    /// The review, by the submission it was queued for.
    public var reviewId: String
    public var status: ReviewSummary.Status

    public init(reviewId: String, status: ReviewSummary.Status) {
        self.reviewId = reviewId
        self.status = status
    }
}

/// Where an accepted submission's review goes.
public enum ReviewPlacement: Sendable, Hashable {
    /// A review of its own, queued.
    case queued
    /// Joined to the review `reviewId` already covering its studies: nothing queued.
    case joined(reviewId: String)
    /// A review of its own, queued as a follow-up of the done review `reviewId`.
    case followUp(of: String)
}

/// What `Catalog.record` wrote: the status the outcome policy gave the submission, the duplicate
/// findings the catalog added to its own, and where its review went.
public struct RecordedSubmission: Sendable {
    public var status: SubmissionRecord.Status
    public var duplicateFindings: [SubmissionRecord.Finding]
    /// Where its review went; nil when it is not accepted.
    public var review: ReviewPlacement?

    public init(
        status: SubmissionRecord.Status, duplicateFindings: [SubmissionRecord.Finding], review: ReviewPlacement?
    ) {
        self.status = status
        self.duplicateFindings = duplicateFindings
        self.review = review
    }
}
