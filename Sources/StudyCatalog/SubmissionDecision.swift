import Foundation

/// What a person decides of a submission the pipeline did not accept, as guarded updates both
/// backends run: each applies only to a submission in a state it may start from, and only once,
/// so that of two staff deciding at once exactly one wins.
public enum SubmissionDecision: Sendable, Equatable {
    /// A held submission goes on to review after all: accepted, its review queued.
    case release(by: String, note: String?)
    /// A held or quarantined submission is not to be reviewed: it stays cataloged and kept as it
    /// is, out of every list of work.
    case dismiss(by: String, reason: String)

    /// How the decision is written in the catalog (`submission.decision`).
    public enum Kind: String, Sendable, CaseIterable {
        case released, dismissed
    }

    public var kind: Kind {
        switch self {
        case .release: .released
        case .dismiss: .dismissed
        }
    }

    public var person: String {
        switch self {
        case .release(let by, _), .dismiss(let by, _): by
        }
    }

    public var note: String? {
        switch self {
        case .release(_, let note): note
        case .dismiss(_, let reason): reason
        }
    }

    /// The statuses it may start from.
    public var from: [SubmissionRecord.Status] {
        switch self {
        case .release: [.held]
        case .dismiss: [.held, .quarantined]
        }
    }

    /// The audit event's action.
    public var action: String { "submission-" + kind.rawValue }

    /// The guarded UPDATE; its arguments are `arguments(at:)` then the submission id.
    public var sql: String {
        let status = kind == .released ? "status = 'accepted', " : ""
        let from = self.from.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return """
            UPDATE submission SET \(status)decision = ?, decidedBy = ?, decidedAt = ?, decisionNote = ?
            WHERE id = ? AND status IN (\(from)) AND decision IS NULL
            """
    }

    public func arguments(at time: Date) -> [CatalogValue] {
        [.text(kind.rawValue), .text(person), .timestamp(time), CatalogValue(note)]
    }

    /// A released submission's priority and studies, to place its review: the statements, and
    /// what their rows say.
    public static func released(_ id: String) -> [SQLStatement] {
        [
            SQLStatement("SELECT priority FROM submission WHERE id = ?", [.text(id)], returning: [.text]),
            SQLStatement(
                "SELECT studyInstanceUID FROM submissionStudy WHERE submissionId = ? ORDER BY studyInstanceUID",
                [.text(id)], returning: [.text]),
        ]
    }

    public static func released(from rows: [[[CatalogValue]]]) -> (
        priority: SubmissionRecord.Priority, studies: [String]
    ) {
        (
            rows[0].first?[0].text.flatMap(SubmissionRecord.Priority.init(rawValue:)) ?? .routine,
            rows[1].compactMap { $0[0].text }
        )
    }

    /// The submission's status and decision, to say why a guarded update changed nothing.
    public static func currentState(of id: String) -> SQLStatement {
        SQLStatement("SELECT status, decision FROM submission WHERE id = ?", [.text(id)], returning: [.text, .text])
    }

    /// The error of a guarded update that changed nothing, from `currentState`'s row.
    public func conflict(id: String, current: [CatalogValue]?) -> CatalogError {
        guard let current else {
            return CatalogError(code: .notFound, context: "submission", detail: "no submission \(id)")
        }
        let state = current[1].text ?? current[0].text ?? "unknown"
        let expected = from.map(\.rawValue).joined(separator: " or ")
        return CatalogError(
            code: .stateConflict, context: "submission \(id)", detail: "it is \(state), not \(expected)")
    }
}
