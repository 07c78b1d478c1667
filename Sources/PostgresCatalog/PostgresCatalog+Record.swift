import Foundation
import PostgresNIO
import StudyCatalog

extension PostgresCatalog {
    /// Rows per INSERT of the many-row tables: PostgreSQL takes at most 65,535 parameters.
    static let rowsPerInsert = 4000

    public func record(
        _ submission: SubmissionRecord, duplicates: any DuplicatePolicy, outcome: any OutcomePolicy, replacing: Bool
    ) async throws(CatalogError) -> RecordedSubmission {
        try await write(context: "recording submission \(submission.id)") { connection in
            try await Self.insert(
                submission, duplicates: duplicates, outcome: outcome, replacing: replacing, into: connection)
        }
    }

    /// The few-row tables a statement per row; instances, files and findings in batches, so that a
    /// 4,000-file disc costs a handful of round trips, not thousands.
    private static func insert(
        _ given: SubmissionRecord, duplicates policy: any DuplicatePolicy, outcome: any OutcomePolicy,
        replacing: Bool, into connection: PostgresConnection
    ) async throws -> RecordedSubmission {
        let id = given.id
        try await run(connection, SQLStatement("SELECT pg_advisory_xact_lock(?)", [.integer(recordLock)]))
        if replacing {
            guard try await !rows(connection, SubmissionRows.replaceableEntry(id)).isEmpty else {
                throw CatalogError(
                    code: .stateConflict, context: "retrying \(id)", detail: "it is not an undecided quarantined entry")
            }
            for sql in SubmissionRows.removeQuarantinedEntry { try await run(connection, SQLStatement(sql, [.text(id)])) }
        }
        let uids = Array(Set(given.instances.map(\.sopInstanceUID)))
        var held: [SubmissionWritePlan.HeldInstance] = []
        if !uids.isEmpty {
            let query = PostgresQuery(
                unsafeSQL: SubmissionRows.heldInstanceColumns + " WHERE i.sopInstanceUID = ANY($1)",
                binds: {
                    var bindings = PostgresBindings(); bindings.append(uids); return bindings
                }())
            held = try await rows(connection, query, returning: SubmissionRows.heldInstanceTypes)
                .map(SubmissionRows.heldInstance)
        }
        let plan = SubmissionWritePlan(given, held: held, policy: policy)
        var submission = given
        submission.status = outcome.status(of: given, duplicateFindings: plan.findings)
        try await run(
            connection, SQLStatement(SubmissionRows.insertSubmission.sql, SubmissionRows.submission(submission)))
        for study in submission.studies {
            var upsert = SubmissionRows.upsertPatient
            upsert.arguments = SubmissionRows.patient(study.patient)
            let patient = try await rows(connection, upsert)
            try await run(
                connection,
                SQLStatement(
                    SubmissionRows.upsertStudy.sql,
                    SubmissionRows.study(study, patientRowID: patient.first?[0].integer ?? 0)))
            for level in study.spinalLevels {
                try await run(
                    connection,
                    SQLStatement(SubmissionRows.insertStudyLevel.sql, [.text(study.studyInstanceUID), .text(level)]))
            }
            try await run(
                connection,
                SQLStatement(SubmissionRows.insertSubmissionStudy.sql, [.text(id), .text(study.studyInstanceUID)]))
        }
        let seriesUIDs = submission.series.map(\.seriesInstanceUID)
        var bringsNewSeries = false
        if !seriesUIDs.isEmpty {
            bringsNewSeries = try await rows(connection, SubmissionRows.heldSeries(seriesUIDs)).count < seriesUIDs.count
        }
        for series in submission.series {
            try await run(connection, SQLStatement(SubmissionRows.insertSeries.sql, SubmissionRows.series(series)))
            for level in series.spinalLevels {
                try await run(
                    connection,
                    SQLStatement(
                        SubmissionRows.insertSeriesLevel.sql,
                        [.text(series.seriesInstanceUID), .text(level), .text(series.studyInstanceUID)]))
            }
        }
        var rowIDs = plan.heldRowIDs
        for batch in plan.newInstances.chunked(rowsPerInsert) {
            let sql =
                SubmissionRows.insert(into: "instance", columns: SubmissionRows.instanceColumns, rows: batch.count)
                + " RETURNING id, sopInstanceUID, headerDigest"
            let inserted = try await rows(
                connection,
                SQLStatement(
                    sql, batch.flatMap { SubmissionRows.instance($0, submissionId: id) },
                    returning: [.integer, .text, .text]))
            for row in inserted {
                rowIDs[.init(sopInstanceUID: row[1].text ?? "", headerDigest: row[2].text ?? "")] = row[0].integer
            }
        }
        try await insertBatches(
            connection, table: "file", columns: SubmissionRows.fileColumns,
            rows: submission.files.map { file in
                SubmissionRows.file(
                    file, submissionId: id, instanceRowID: plan.instanceOfFile[file.path].flatMap { rowIDs[$0] },
                    linked: plan.linkedPaths.contains(file.path))
            })
        try await insertBatches(
            connection, table: "finding", columns: SubmissionRows.findingColumns,
            rows: (submission.findings + plan.findings).map { SubmissionRows.finding($0, submissionId: id) })
        var placement: ReviewPlacement?
        if submission.status == .accepted {
            placement = try await place(
                id, studies: submission.studies.map(\.studyInstanceUID), priority: submission.priority,
                queuedAt: submission.receivedAt, bringsNewSeries: bringsNewSeries, outcome: outcome, in: connection)
        }
        try await run(
            connection,
            SQLStatement(SubmissionRows.insertEvent.sql, SubmissionRows.event(submission, replacing: replacing)))
        return RecordedSubmission(status: submission.status, duplicateFindings: plan.findings, review: placement)
    }

    /// Gives the accepted submission `id` its place in the review, as `outcome` decides from the
    /// reviews covering its studies.
    private static func place(
        _ id: String, studies: [String], priority: SubmissionRecord.Priority, queuedAt: Date, bringsNewSeries: Bool,
        outcome: any OutcomePolicy, in connection: PostgresConnection
    ) async throws -> ReviewPlacement {
        let covering =
            studies.isEmpty
            ? []
            : try await rows(connection, SubmissionRows.coveringReviews(ofStudies: studies)).map(SubmissionRows.coveringReview)
        let placement = outcome.placement(covering: covering, bringsNewSeries: bringsNewSeries)
        for statement in SubmissionRows.placing(placement, submissionId: id, priority: priority, queuedAt: queuedAt) {
            try await run(connection, statement)
        }
        return placement
    }

    static func insertBatches(
        _ connection: PostgresConnection, table: String, columns: [String], rows: [[CatalogValue]]
    )
        async throws
    {
        for batch in rows.chunked(rowsPerInsert) {
            try await run(
                connection,
                SQLStatement(
                    SubmissionRows.insert(into: table, columns: columns, rows: batch.count), batch.flatMap { $0 }))
        }
    }

    static func run(_ connection: PostgresConnection, _ statement: SQLStatement) async throws {
        _ = try await rows(connection, statement)
    }

    public func decide(_ id: String, _ decision: SubmissionDecision, outcome: any OutcomePolicy, at time: Date)
        async throws(CatalogError)
    {
        try await write(context: "\(decision.action) \(id)") { connection in
            let changed = try await Self.rows(
                connection,
                SQLStatement(decision.sql + " RETURNING id", decision.arguments(at: time) + [.text(id)], returning: [.text]))
            guard changed.count == 1 else {
                throw decision.conflict(
                    id: id, current: try await Self.rows(connection, SubmissionDecision.currentState(of: id)).first)
            }
            if decision.kind == .released {
                // Its series are cataloged since it was held: a released disc of a reviewed case is
                // a follow-up, one of a case under review joins it.
                var rows: [[[CatalogValue]]] = []
                for statement in SubmissionDecision.released(id) { rows.append(try await Self.rows(connection, statement)) }
                let released = SubmissionDecision.released(from: rows)
                _ = try await Self.place(
                    id, studies: released.studies, priority: released.priority, queuedAt: time, bringsNewSeries: true,
                    outcome: outcome, in: connection)
            }
            try await Self.run(
                connection,
                SQLStatement(
                    SubmissionRows.insertEvent.sql,
                    SubmissionRows.audit(actor: decision.person, action: decision.action, subject: id, at: time)))
        }
    }

    public func recordAccesses(_ accesses: [AccessEvent]) async throws(CatalogError) {
        let rows = accesses.map(\.row)
        try await write(context: "auditing") { connection in
            try await Self.insertBatches(
                connection, table: CatalogTable.event.rawValue, columns: ["at", "actor", "action", "subject"],
                rows: rows)
        }
    }

    /// Copies rows in as they are, keeping their row numbers, then moves the table's row-number
    /// generator past them.
    public func insert(_ rows: [[CatalogValue]], into table: CatalogTable) async throws(CatalogError) {
        try await write(context: "copying into \(table.rawValue)") { connection in
            try await Self.insertBatches(
                connection, table: table.rawValue, columns: table.columns.map(\.name), rows: rows)
            if table.hasRowNumber {
                try await Self.run(
                    connection,
                    SQLStatement(
                        """
                        SELECT setval(pg_get_serial_sequence('\(table.rawValue)', 'id'),
                                      (SELECT coalesce(max(id), 0) + 1 FROM \(table.rawValue)), false)
                        """))
            }
        }
    }
}
