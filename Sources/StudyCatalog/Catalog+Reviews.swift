import Foundation
import GRDB

extension Catalog {
    /// Reviews by status (nil: all) and reviewer, urgent first, then oldest first.
    public func reviews(status: ReviewSummary.Status?, reviewer: String? = nil) throws(CatalogError) -> [ReviewSummary]
    {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let status {
            conditions.append("r.status = ?")
            arguments += [status.rawValue]
        }
        if let reviewer {
            conditions.append("r.reviewer = ?")
            arguments += [reviewer]
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        do {
            return try pool.read { db in
                try Row.fetchAll(
                    db, sql: Self.reviewSQL(whereClause) + " ORDER BY \(Self.queueOrder)", arguments: arguments
                )
                .map(Self.review)
            }
        } catch {
            throw CatalogError(error, context: "listing reviews")
        }
    }

    /// Claims the review of `submissionId`, or the next queued one (urgent first, then oldest) when
    /// nil, for `reviewer`. Atomic: of two reviewers claiming one review at once, exactly one wins;
    /// the other gets `stateConflict` naming who has it.
    public func claimReview(_ submissionId: String?, reviewer: String, at time: Date = Date()) throws(CatalogError)
        -> ReviewSummary
    {
        try changeReview(context: "claiming a review") { db in
            let id: String
            if let submissionId {
                id = submissionId
            } else {
                guard
                    let next = try String.fetchOne(
                        db,
                        sql:
                            "SELECT submissionId FROM review r WHERE status = 'queued' ORDER BY \(Self.queueOrder) LIMIT 1"
                    )
                else {
                    throw CatalogError(code: .notFound, context: "claiming a review", detail: "no review is queued")
                }
                id = next
            }
            try db.execute(
                sql:
                    "UPDATE review SET status = 'claimed', reviewer = ?, claimedAt = ? WHERE submissionId = ? AND status = 'queued'",
                arguments: [reviewer, Self.timestamp(time), id])
            try Self.requireChange(db, id: id, expected: "queued")
            try Self.audit(db, actor: reviewer, action: "review-claimed", subject: id, at: time)
            return id
        }
    }

    /// Puts a claimed review back in the queue.
    public func releaseReview(_ submissionId: String, at time: Date = Date()) throws(CatalogError) -> ReviewSummary {
        try changeClaimedReview(
            submissionId, action: "review-released", at: time,
            set: "status = 'queued', reviewer = NULL, claimedAt = NULL", arguments: [])
    }

    /// Marks a claimed review done, with its outcome.
    public func completeReview(_ submissionId: String, outcome: String?, at time: Date = Date()) throws(CatalogError)
        -> ReviewSummary
    {
        try changeClaimedReview(
            submissionId, action: "review-completed", at: time, set: "status = 'done', completedAt = ?, outcome = ?",
            arguments: [Self.timestamp(time), outcome])
    }

    /// Applies `set` to a review that is claimed, audited as its reviewer's `action`.
    private func changeClaimedReview(
        _ submissionId: String, action: String, at time: Date, set assignments: String, arguments: StatementArguments
    ) throws(CatalogError) -> ReviewSummary {
        try changeReview(context: "\(action) for \(submissionId)") { db in
            let reviewer = try String.fetchOne(
                db, sql: "SELECT reviewer FROM review WHERE submissionId = ?", arguments: [submissionId])
            try db.execute(
                sql: "UPDATE review SET \(assignments) WHERE submissionId = ? AND status = 'claimed'",
                arguments: arguments + [submissionId])
            try Self.requireChange(db, id: submissionId, expected: "claimed")
            try Self.audit(db, actor: reviewer ?? "intake", action: action, subject: submissionId, at: time)
            return submissionId
        }
    }

    /// Runs `change` in one write transaction and returns the review it names, as it is afterwards.
    private func changeReview(context: String, _ change: @escaping @Sendable (Database) throws -> String)
        throws(CatalogError)
        -> ReviewSummary
    {
        do {
            return try pool.write { db in
                let id = try change(db)
                guard let row = try Row.fetchOne(db, sql: Self.reviewSQL("WHERE r.submissionId = ?"), arguments: [id])
                else {
                    throw CatalogError(code: .notFound, context: context, detail: "no review for submission \(id)")
                }
                return Self.review(row)
            }
        } catch {
            throw CatalogError(error, context: context)
        }
    }

    /// After an UPDATE guarded by the expected status: says why nothing changed.
    private static func requireChange(_ db: Database, id: String, expected: String) throws {
        guard db.changesCount == 0 else { return }
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT status, reviewer FROM review WHERE submissionId = ?", arguments: [id])
        else {
            throw CatalogError(code: .notFound, context: "review", detail: "no review for submission \(id)")
        }
        let status: String = row["status"]
        let holder = (row["reviewer"] as String?).map { " by \($0)" } ?? ""
        throw CatalogError(
            code: .stateConflict, context: "review of \(id)", detail: "it is \(status)\(holder), not \(expected)")
    }

    private static func audit(_ db: Database, actor: String, action: String, subject: String, at time: Date) throws {
        try db.execute(
            sql: "INSERT INTO event (at, actor, action, subject) VALUES (?, ?, ?, ?)",
            arguments: [timestamp(time), actor, action, subject])
    }

    static func timestamp(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    private static let queueOrder = "CASE r.priority WHEN 'urgent' THEN 0 ELSE 1 END, r.queuedAt, r.submissionId"

    private static func reviewSQL(_ whereClause: String) -> String {
        """
        SELECT r.*, s.levelsOfConcern,
               (SELECT group_concat(DISTINCT p.patientName) FROM submissionStudy ss
                    JOIN study st ON st.studyInstanceUID = ss.studyInstanceUID
                    JOIN patient p ON p.id = st.patientRowID WHERE ss.submissionId = r.submissionId) AS patientNames
        FROM review r JOIN submission s ON s.id = r.submissionId
        \(whereClause)
        """
    }

    private static func review(_ row: Row) -> ReviewSummary {
        ReviewSummary(
            submissionId: row["submissionId"], status: ReviewSummary.Status(rawValue: row["status"]) ?? .queued,
            priority: row["priority"], reviewer: row["reviewer"], queuedAt: row["queuedAt"],
            claimedAt: row["claimedAt"], completedAt: row["completedAt"], outcome: row["outcome"],
            levelsOfConcern: ((row["levelsOfConcern"] as String?) ?? "").split(separator: " ").map(String.init),
            patientNames: ((row["patientNames"] as String?) ?? "").split(separator: ",").map(String.init).sorted())
    }
}
