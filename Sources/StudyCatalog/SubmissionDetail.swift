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
    /// Nil for a held or quarantined submission, which is not queued.
    public var reviewStatus: ReviewSummary.Status?
    /// A person's release or dismissal.
    public var decision: SubmissionSummary.Decision?
    /// Paths (within the submission) of reports for the reviewer.
    public var attachments: [String]
    public var findings: [SubmissionRecord.Finding]
    public var studies: [StudySummary]

    public init(
        id: String, receivedAt: Date, source: String, status: SubmissionRecord.Status, note: String?,
        requester: String?, priority: SubmissionRecord.Priority, levelsOfConcern: [String],
        reviewStatus: ReviewSummary.Status?, decision: SubmissionSummary.Decision? = nil, attachments: [String],
        findings: [SubmissionRecord.Finding], studies: [StudySummary]
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
        self.decision = decision
        self.attachments = attachments
        self.findings = findings
        self.studies = studies
    }
}

/// Which submissions `Catalog.submissions` lists: every filter given must hold.
public struct SubmissionFilter: Sendable {
    /// What a person decided of them.
    public enum Decided: Sendable, Equatable {
        /// Nobody decided yet.
        case nobody
        case decided(SubmissionDecision.Kind)
    }

    /// Any of these statuses; all when empty.
    public var statuses: [SubmissionRecord.Status]
    public var decided: Decided?
    public var id: String?
    public var limit: Int?

    public init(
        statuses: [SubmissionRecord.Status] = [], decided: Decided? = nil, id: String? = nil, limit: Int? = nil
    ) {
        self.statuses = statuses
        self.decided = decided
        self.id = id
        self.limit = limit
    }

    /// The submissions staff see in `state` (all when nil): held and quarantined ones are those
    /// still waiting for a person.
    public init(state: SubmissionSummary.State?, limit: Int? = nil) {
        switch state {
        case nil: self.init(limit: limit)
        case .accepted: self.init(statuses: [.accepted], limit: limit)
        case .held: self.init(statuses: [.held], decided: .nobody, limit: limit)
        case .quarantined: self.init(statuses: [.quarantined], decided: .nobody, limit: limit)
        case .dismissed: self.init(decided: .decided(.dismissed), limit: limit)
        case .retried: self.init(statuses: [.retried], limit: limit)
        }
    }
}

/// One submission as staff list them (`intake submissions list`): what became of it, for whom,
/// and the findings its outcome rests on.
public struct SubmissionSummary: Sendable, Hashable {
    /// A person's decision on it, when there was one.
    public struct Decision: Sendable, Hashable {
        public var kind: SubmissionDecision.Kind
        public var by: String
        public var at: Date
        /// The release's note or the dismissal's reason.
        public var note: String?

        public init(kind: SubmissionDecision.Kind, by: String, at: Date, note: String?) {
            self.kind = kind
            self.by = by
            self.at = at
            self.note = note
        }
    }

    /// What staff see of a submission: its status, or `dismissed` once a person dismissed it.
    public enum State: String, Sendable, CaseIterable {
        case accepted, held, quarantined, dismissed, retried
    }

    public var id: String
    public var receivedAt: Date
    public var source: String
    public var status: SubmissionRecord.Status
    public var decision: Decision?

    public var state: State {
        decision?.kind == .dismissed ? .dismissed : State(rawValue: status.rawValue) ?? .quarantined
    }
    /// PatientName of each patient of its studies, as the disc has it (none when quarantined).
    public var patientNames: [String]
    /// The distinct codes of its error and warning findings, sorted.
    public var findingCodes: [String]

    public init(
        id: String, receivedAt: Date, source: String, status: SubmissionRecord.Status, decision: Decision?,
        patientNames: [String], findingCodes: [String]
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.source = source
        self.status = status
        self.decision = decision
        self.patientNames = patientNames
        self.findingCodes = findingCodes
    }
}
