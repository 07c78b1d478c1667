import Foundation
import GRDB
import StudyCatalog

extension SQLiteCatalog {
    public func record(
        _ submission: SubmissionRecord, duplicates: any DuplicatePolicy, outcome: any OutcomePolicy, replacing: Bool
    ) async throws(CatalogError) -> RecordedSubmission {
        try await write(context: "recording submission \(submission.id)") { db in
            try Self.insert(submission, duplicates: duplicates, outcome: outcome, replacing: replacing, into: db)
        }
    }

    /// SOP Instance UIDs looked up in one statement (SQLite allows 32,766 parameters).
    static let heldLookupBatch = 500
    static let heldLookup =
        SubmissionRows.heldInstanceColumns + " WHERE i.sopInstanceUID IN ("
        + Array(repeating: "?", count: heldLookupBatch).joined(separator: ", ") + ")"

    /// One row at a time through cached statements (in-process, SQLite needs no batched inserts);
    /// the instances already held looked up a batch of UIDs at a time.
    private static func insert(
        _ given: SubmissionRecord, duplicates policy: any DuplicatePolicy, outcome: any OutcomePolicy,
        replacing: Bool, into db: Database
    ) throws -> RecordedSubmission {
        let id = given.id
        if replacing {
            guard try !rows(db, SubmissionRows.replaceableEntry(id)).isEmpty else {
                throw CatalogError(
                    code: .stateConflict, context: "retrying \(id)", detail: "it is not an undecided quarantined entry")
            }
            for sql in SubmissionRows.removeQuarantinedEntry { try execute(db, sql, [.text(id)]) }
        }
        var held: [SubmissionWritePlan.HeldInstance] = []
        // The instances already held, a few hundred UIDs a statement (one statement per UID was a
        // quarter of the transaction); a short last batch repeats its last UID, so that one cached
        // statement serves every batch.
        for uids in Array(Set(given.instances.map(\.sopInstanceUID))).chunked(heldLookupBatch) {
            let padded = uids + Array(repeating: uids.last!, count: heldLookupBatch - uids.count)
            held += try rows(
                db,
                SQLStatement(heldLookup, padded.map(CatalogValue.text), returning: SubmissionRows.heldInstanceTypes)
            ).map(SubmissionRows.heldInstance)
        }
        let plan = SubmissionWritePlan(given, held: held, policy: policy)
        var submission = given
        submission.status = outcome.status(of: given, duplicateFindings: plan.findings)
        try execute(db, SubmissionRows.insertSubmission.sql, SubmissionRows.submission(submission))
        for study in submission.studies {
            let patient = try rows(
                db,
                SQLStatement(
                    SubmissionRows.upsertPatient.sql, SubmissionRows.patient(study.patient), returning: [.integer]))
            try execute(
                db, SubmissionRows.upsertStudy.sql,
                SubmissionRows.study(study, patientRowID: patient.first?[0].integer ?? 0))
            for level in study.spinalLevels {
                try execute(db, SubmissionRows.insertStudyLevel.sql, [.text(study.studyInstanceUID), .text(level)])
            }
            try execute(db, SubmissionRows.insertSubmissionStudy.sql, [.text(id), .text(study.studyInstanceUID)])
        }
        let seriesUIDs = submission.series.map(\.seriesInstanceUID)
        let bringsNewSeries = try !seriesUIDs.isEmpty && rows(db, SubmissionRows.heldSeries(seriesUIDs)).count < seriesUIDs.count
        for series in submission.series {
            try execute(db, SubmissionRows.insertSeries.sql, SubmissionRows.series(series))
            for level in series.spinalLevels {
                try execute(
                    db, SubmissionRows.insertSeriesLevel.sql,
                    [.text(series.seriesInstanceUID), .text(level), .text(series.studyInstanceUID)])
            }
        }
        var rowIDs = plan.heldRowIDs
        let insertInstance = SubmissionRows.insert(into: "instance", columns: SubmissionRows.instanceColumns, rows: 1)
        for instance in plan.newInstances {
            try execute(db, insertInstance, SubmissionRows.instance(instance, submissionId: id))
            rowIDs[.init(sopInstanceUID: instance.sopInstanceUID, headerDigest: instance.headerDigest)] =
                db.lastInsertedRowID
        }
        let insertFile = SubmissionRows.insert(into: "file", columns: SubmissionRows.fileColumns, rows: 1)
        for file in submission.files {
            try execute(
                db, insertFile,
                SubmissionRows.file(
                    file, submissionId: id, instanceRowID: plan.instanceOfFile[file.path].flatMap { rowIDs[$0] },
                    linked: plan.linkedPaths.contains(file.path)))
        }
        let insertFinding = SubmissionRows.insert(into: "finding", columns: SubmissionRows.findingColumns, rows: 1)
        for finding in submission.findings + plan.findings {
            try execute(db, insertFinding, SubmissionRows.finding(finding, submissionId: id))
        }
        let placement =
            submission.status == .accepted
            ? try place(
                id, studies: submission.studies.map(\.studyInstanceUID), priority: submission.priority,
                queuedAt: submission.receivedAt, bringsNewSeries: bringsNewSeries, outcome: outcome, in: db)
            : nil
        try execute(db, SubmissionRows.insertEvent.sql, SubmissionRows.event(submission, replacing: replacing))
        return RecordedSubmission(status: submission.status, duplicateFindings: plan.findings, review: placement)
    }

    /// Gives the accepted submission `id` its place in the review, as `outcome` decides from the
    /// reviews covering its studies.
    private static func place(
        _ id: String, studies: [String], priority: SubmissionRecord.Priority, queuedAt: Date, bringsNewSeries: Bool,
        outcome: any OutcomePolicy, in db: Database
    ) throws -> ReviewPlacement {
        let covering =
            studies.isEmpty
            ? [] : try rows(db, SubmissionRows.coveringReviews(ofStudies: studies)).map(SubmissionRows.coveringReview)
        let placement = outcome.placement(covering: covering, bringsNewSeries: bringsNewSeries)
        for statement in SubmissionRows.placing(placement, submissionId: id, priority: priority, queuedAt: queuedAt) {
            try execute(db, statement.sql, statement.arguments)
        }
        return placement
    }

    public func decide(_ id: String, _ decision: SubmissionDecision, outcome: any OutcomePolicy, at time: Date)
        async throws(CatalogError)
    {
        try await write(context: "\(decision.action) \(id)") { db in
            try Self.execute(db, decision.sql, decision.arguments(at: time) + [.text(id)])
            guard db.changesCount == 1 else {
                throw decision.conflict(id: id, current: try Self.rows(db, SubmissionDecision.currentState(of: id)).first)
            }
            if decision.kind == .released {
                // Its series are cataloged since it was held: a released disc of a reviewed case is
                // a follow-up, one of a case under review joins it.
                let released = SubmissionDecision.released(from: try SubmissionDecision.released(id).map { try Self.rows(db, $0) })
                _ = try Self.place(
                    id, studies: released.studies, priority: released.priority, queuedAt: time, bringsNewSeries: true,
                    outcome: outcome, in: db)
            }
            try Self.execute(
                db, SubmissionRows.insertEvent.sql,
                SubmissionRows.audit(actor: decision.person, action: decision.action, subject: id, at: time))
        }
    }

    public func recordAccesses(_ accesses: [AccessEvent]) async throws(CatalogError) {
        let rows = accesses.map(\.row)
        try await write(context: "auditing") { db in
            for row in rows { try Self.execute(db, SubmissionRows.insertEvent.sql, row) }
        }
    }

    public func insert(_ rows: [[CatalogValue]], into table: CatalogTable) async throws(CatalogError) {
        let sql = SubmissionRows.insert(into: table.rawValue, columns: table.columns.map(\.name), rows: 1)
        try await write(context: "copying into \(table.rawValue)") { db in
            for row in rows { try Self.execute(db, sql, row) }
        }
    }
}
