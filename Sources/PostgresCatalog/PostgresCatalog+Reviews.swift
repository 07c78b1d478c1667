import Foundation
import PostgresNIO
import StudyCatalog

extension PostgresCatalog {
    /// The next review is taken with `FOR UPDATE SKIP LOCKED`: reviewers on several hosts claiming
    /// at once each get a different one; a named review is claimed by a guarded update, which only
    /// one of two concurrent claims passes.
    public func claimReview(_ submissionId: String?, reviewer: String, at time: Date) async throws(CatalogError)
        -> ReviewSummary
    {
        try await changeReview(context: "claiming a review") { connection in
            let id: String
            if let submissionId {
                id = submissionId
            } else {
                let next = try await Self.rows(
                    connection,
                    SQLStatement(
                        """
                        SELECT submissionId FROM review r WHERE status = 'queued'
                        ORDER BY \(ReviewSQL.queueOrder) LIMIT 1 FOR UPDATE SKIP LOCKED
                        """, returning: [.text]))
                guard let first = next.first?[0].text else {
                    throw CatalogError(code: .notFound, context: "claiming a review", detail: "no review is queued")
                }
                id = first
            }
            try await Self.apply(.claim, to: id, reviewer: reviewer, outcome: nil, at: time, on: connection)
            return id
        }
    }

    public func releaseReview(_ submissionId: String, at time: Date) async throws(CatalogError) -> ReviewSummary {
        try await changeClaimedReview(submissionId, .release, outcome: nil, at: time)
    }

    public func completeReview(_ submissionId: String, outcome: String?, at time: Date) async throws(CatalogError)
        -> ReviewSummary
    {
        try await changeClaimedReview(submissionId, .complete, outcome: outcome, at: time)
    }

    private func changeClaimedReview(_ submissionId: String, _ change: ReviewChange, outcome: String?, at time: Date)
        async throws(CatalogError) -> ReviewSummary
    {
        try await changeReview(context: "\(change.action) for \(submissionId)") { connection in
            let reviewer = try await Self.rows(
                connection,
                SQLStatement(
                    "SELECT reviewer FROM review WHERE submissionId = ? FOR UPDATE", [.text(submissionId)],
                    returning: [.text])
            ).first?[0].text
            try await Self.apply(
                change, to: submissionId, reviewer: reviewer, outcome: outcome, at: time, on: connection)
            return submissionId
        }
    }

    /// The guarded update, audited as `reviewer`'s; `stateConflict` when the review was not in the
    /// state the change starts from.
    private static func apply(
        _ change: ReviewChange, to id: String, reviewer: String?, outcome: String?, at time: Date,
        on connection: PostgresConnection
    ) async throws {
        let changed = try await rows(
            connection,
            SQLStatement(
                change.sql + " RETURNING submissionId",
                change.arguments(reviewer: reviewer, at: time, outcome: outcome) + [.text(id)], returning: [.text]))
        if changed.isEmpty {
            let current = try await rows(connection, ReviewChange.currentState(of: id)).first
            throw ReviewChange.conflict(id: id, current: current, expected: change.from)
        }
        try await run(
            connection,
            SQLStatement(
                SubmissionRows.insertEvent.sql,
                SubmissionRows.audit(actor: reviewer ?? "intake", action: change.action, subject: id, at: time)))
    }

    private func changeReview(
        context: String, _ change: @escaping @Sendable (PostgresConnection) async throws -> String
    ) async throws(CatalogError) -> ReviewSummary {
        let review = reviewStatement("WHERE r.submissionId = ?")
        return try await write(context: context) { connection in
            let id = try await change(connection)
            var statement = review
            statement.arguments = [.text(id)]
            guard let row = try await Self.rows(connection, statement).first else {
                throw CatalogError(code: .notFound, context: context, detail: "no review for submission \(id)")
            }
            return ReviewSQL.review(row)
        }
    }
}
