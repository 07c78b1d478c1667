import Foundation
import GRDB
import StudyCatalog

extension SQLiteCatalog {
    public func claimReview(_ submissionId: String?, reviewer: String, at time: Date) async throws(CatalogError)
        -> ReviewSummary
    {
        try await changeReview(context: "claiming a review") { db in
            let id: String
            if let submissionId {
                id = submissionId
            } else {
                let next = try Self.rows(
                    db,
                    SQLStatement(
                        "SELECT submissionId FROM review r WHERE status = 'queued' ORDER BY \(ReviewSQL.queueOrder) LIMIT 1",
                        returning: [.text]))
                guard let first = next.first?[0].text else {
                    throw CatalogError(code: .notFound, context: "claiming a review", detail: "no review is queued")
                }
                id = first
            }
            try Self.execute(
                db, ReviewChange.claim.sql, ReviewChange.claim.arguments(reviewer: reviewer, at: time) + [.text(id)])
            try Self.requireChange(db, id: id, expected: ReviewChange.claim.from)
            try Self.audit(db, actor: reviewer, action: ReviewChange.claim.action, subject: id, at: time)
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

    /// Applies a change to a review that is claimed, audited as its reviewer's.
    private func changeClaimedReview(_ submissionId: String, _ change: ReviewChange, outcome: String?, at time: Date)
        async throws(CatalogError) -> ReviewSummary
    {
        try await changeReview(context: "\(change.action) for \(submissionId)") { db in
            let reviewer = try Self.rows(
                db,
                SQLStatement(
                    "SELECT reviewer FROM review WHERE submissionId = ?", [.text(submissionId)], returning: [.text])
            ).first?[0].text
            try Self.execute(
                db, change.sql, change.arguments(reviewer: reviewer, at: time, outcome: outcome) + [.text(submissionId)]
            )
            try Self.requireChange(db, id: submissionId, expected: change.from)
            try Self.audit(db, actor: reviewer ?? "intake", action: change.action, subject: submissionId, at: time)
            return submissionId
        }
    }

    /// Runs `change` in one write transaction and returns the review it names, as it is afterwards.
    private func changeReview(context: String, _ change: @escaping @Sendable (Database) throws -> String)
        async throws(CatalogError) -> ReviewSummary
    {
        let statement = reviewStatement("WHERE r.submissionId = ?")
        return try await write(context: context) { db in
            let id = try change(db)
            var lookup = statement
            lookup.arguments = [.text(id)]
            guard let row = try Self.rows(db, lookup).first else {
                throw CatalogError(code: .notFound, context: context, detail: "no review for submission \(id)")
            }
            return ReviewSQL.review(row)
        }
    }

    /// After an UPDATE guarded by the expected status: says why nothing changed.
    private static func requireChange(_ db: Database, id: String, expected: ReviewSummary.Status) throws {
        guard db.changesCount == 0 else { return }
        let current = try rows(db, ReviewChange.currentState(of: id)).first
        throw ReviewChange.conflict(id: id, current: current, expected: expected)
    }

    private static func audit(_ db: Database, actor: String, action: String, subject: String, at time: Date) throws {
        try execute(
            db, SubmissionRows.insertEvent.sql,
            SubmissionRows.audit(actor: actor, action: action, subject: subject, at: time))
    }
}
