import Foundation

/// The catalog: patients, studies, series, instances and files of every submission, its findings,
/// the review queue and the audit trail. One API, two backends: an embedded SQLite file
/// (`SQLiteCatalog`, the default) and a PostgreSQL server that several intake hosts share
/// (`PostgresCatalog`). Every method is one transaction; decisions that are the pipeline's (what a
/// duplicate is and what it is called) come from the caller, never from SQL.
public protocol Catalog: AnyObject, Sendable {
    /// Where it is, for messages: a path, or a URL without credentials.
    var location: String { get }

    /// Writes a whole submission in one transaction: it is in the catalog entirely or not at all.
    /// An instance whose SOPInstanceUID the catalog (or the submission, earlier) already holds is
    /// judged by `duplicates`: linked to the identical copy, or kept apart. Then `outcome` gives
    /// the submission its status; an accepted one is queued for review.
    ///
    /// With `replacing`, the submission takes the place of the quarantined entry of the same id
    /// (a retry): its rows are replaced in the same transaction, its audit trail kept.
    func record(
        _ submission: SubmissionRecord, duplicates: any DuplicatePolicy, outcome: any OutcomePolicy, replacing: Bool
    ) async throws(CatalogError) -> RecordedSubmission

    /// Studies matching every filter, newest first.
    func studies(matching query: CatalogQuery) async throws(CatalogError) -> [StudySummary]
    /// Series matching every filter, by study and series number.
    func series(matching query: CatalogQuery) async throws(CatalogError) -> [SeriesSummary]
    /// Instances matching every filter, by series and instance number.
    func instances(matching query: CatalogQuery) async throws(CatalogError) -> [InstanceSummary]

    /// The copies to serve of the instances matching `query` (an accepted submission's, or a held
    /// one's that an accepted submission's identical file was linked to), only files that are
    /// kept, by series and instance number.
    func storedInstances(matching query: CatalogQuery) async throws(CatalogError) -> [StoredInstance]
    /// Adds accesses to patient data to the audit trail, in one transaction.
    func recordAccesses(_ accesses: [AccessEvent]) async throws(CatalogError)

    /// The status of the submission with this id; nil when the catalog does not have it.
    func submissionStatus(_ id: String) async throws(CatalogError) -> SubmissionRecord.Status?
    /// The submission with this id and its studies, findings and review; nil when there is none.
    func submissionDetail(_ id: String) async throws(CatalogError) -> SubmissionDetail?
    /// Counts of everything cataloged.
    func statistics() async throws(CatalogError) -> CatalogStatistics
    /// The submissions `filter` selects, newest first.
    func submissions(_ filter: SubmissionFilter) async throws(CatalogError) -> [SubmissionSummary]
    /// Applies a person's decision to a submission, audited as theirs; a release places its review
    /// as `outcome` says. Atomic: of two decisions at once, exactly one applies; the other gets
    /// `stateConflict`.
    func decide(_ id: String, _ decision: SubmissionDecision, outcome: any OutcomePolicy, at time: Date)
        async throws(CatalogError)
    /// Paths of a submission's files linked to an identical copy cataloged earlier instead of kept.
    func linkedDuplicatePaths(_ id: String) async throws(CatalogError) -> [String]
    /// Every accepted, held or quarantined submission with the files it expects on disk.
    func catalogedSubmissions() async throws(CatalogError) -> [CatalogedSubmission]

    /// Reviews by status (nil: all) and reviewer, urgent first, then oldest first.
    func reviews(status: ReviewSummary.Status?, reviewer: String?) async throws(CatalogError) -> [ReviewSummary]
    /// Claims the review of `submissionId`, or the next queued one (urgent first, then oldest) when
    /// nil. Atomic across processes and hosts: of two reviewers claiming one review, exactly one
    /// wins; the other gets `stateConflict` naming who has it.
    func claimReview(_ submissionId: String?, reviewer: String, at time: Date) async throws(CatalogError)
        -> ReviewSummary
    /// Puts a claimed review back in the queue.
    func releaseReview(_ submissionId: String, at time: Date) async throws(CatalogError) -> ReviewSummary
    /// Marks a claimed review done, with its outcome.
    func completeReview(_ submissionId: String, outcome: String?, at time: Date) async throws(CatalogError)
        -> ReviewSummary

    /// One page of a table's rows in its key order, for `intake catalog copy`.
    func rows(of table: CatalogTable, offset: Int, limit: Int) async throws(CatalogError) -> [[CatalogValue]]
    /// Adds rows (as `rows(of:)` gives them) to a table, in one transaction.
    func insert(_ rows: [[CatalogValue]], into table: CatalogTable) async throws(CatalogError)
    /// How many rows a table holds.
    func count(of table: CatalogTable) async throws(CatalogError) -> Int

    /// Lets go of the file or the connection.
    func close() async
}

extension Catalog {
    public func decide(_ id: String, _ decision: SubmissionDecision, outcome: any OutcomePolicy)
        async throws(CatalogError)
    {
        try await decide(id, decision, outcome: outcome, at: Date())
    }

    public func reviews(status: ReviewSummary.Status?) async throws(CatalogError) -> [ReviewSummary] {
        try await reviews(status: status, reviewer: nil)
    }

    public func claimReview(_ submissionId: String?, reviewer: String) async throws(CatalogError) -> ReviewSummary {
        try await claimReview(submissionId, reviewer: reviewer, at: Date())
    }

    public func releaseReview(_ submissionId: String) async throws(CatalogError) -> ReviewSummary {
        try await releaseReview(submissionId, at: Date())
    }

    public func completeReview(_ submissionId: String, outcome: String?) async throws(CatalogError) -> ReviewSummary {
        try await completeReview(submissionId, outcome: outcome, at: Date())
    }
}
