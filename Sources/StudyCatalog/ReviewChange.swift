import Foundation

/// The changes a review goes through, as guarded updates both backends run: each applies only
/// when the review is in the state it expects, so that of two reviewers at once exactly one wins.
public enum ReviewChange: Sendable {
    case claim, release, complete

    /// The state the change starts from.
    public var from: ReviewSummary.Status {
        switch self {
        case .claim: .queued
        case .release, .complete: .claimed
        }
    }

    /// The audit event's action.
    public var action: String {
        switch self {
        case .claim: "review-claimed"
        case .release: "review-released"
        case .complete: "review-completed"
        }
    }

    /// The guarded UPDATE; its last argument is the submission id.
    public var sql: String {
        let assignments =
            switch self {
            case .claim: "status = 'claimed', reviewer = ?, claimedAt = ?"
            case .release: "status = 'queued', reviewer = NULL, claimedAt = NULL"
            case .complete: "status = 'done', completedAt = ?, outcome = ?"
            }
        return "UPDATE review SET \(assignments) WHERE submissionId = ? AND status = '\(from.rawValue)'"
    }

    /// The UPDATE's arguments before the submission id.
    public func arguments(reviewer: String?, at time: Date, outcome: String? = nil) -> [CatalogValue] {
        switch self {
        case .claim: [CatalogValue(reviewer), .timestamp(time)]
        case .release: []
        case .complete: [.timestamp(time), CatalogValue(outcome)]
        }
    }

    /// The review's status and reviewer, to say why a guarded update changed nothing.
    public static func currentState(of id: String) -> SQLStatement {
        SQLStatement(
            "SELECT status, reviewer FROM review WHERE submissionId = ?", [.text(id)], returning: [.text, .text])
    }

    /// The error of a guarded update that changed nothing, from `currentState`'s row.
    public static func conflict(id: String, current: [CatalogValue]?, expected: ReviewSummary.Status) -> CatalogError {
        guard let current else {
            return CatalogError(code: .notFound, context: "review", detail: "no review for submission \(id)")
        }
        let holder = current[1].text.map { " by \($0)" } ?? ""
        return CatalogError(
            code: .stateConflict, context: "review of \(id)",
            detail: "it is \(current[0].text ?? "unknown")\(holder), not \(expected.rawValue)")
    }
}
