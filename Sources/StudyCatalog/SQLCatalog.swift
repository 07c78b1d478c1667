import Foundation

/// A catalog backend that answers SQL: the reads of the API are written here once, for both
/// dialects; a backend supplies the dialect and a way to run statements in one read transaction.
public protocol SQLCatalog: Catalog {
    var dialect: SQLDialect { get }
    /// Runs `statements` in one read-only transaction (one snapshot) and returns each one's rows,
    /// decoded as the statement's result types say.
    func fetch(_ statements: [SQLStatement], context: String) async throws(CatalogError) -> [[[CatalogValue]]]
}

extension SQLCatalog {
    func fetch(_ statement: SQLStatement, context: String) async throws(CatalogError) -> [[CatalogValue]] {
        try await fetch([statement], context: context)[0]
    }

    /// The filter, order and page pick the studies first; what is counted and listed of each is
    /// computed for the page's studies only (a page deep in a large catalog costs its own rows).
    public func studies(matching query: CatalogQuery) async throws(CatalogError) -> [StudySummary] {
        let filter = CatalogFilter(query, level: .study, dialect: dialect)
        let sql = """
            SELECT st.studyInstanceUID, p.patientID, p.patientName, p.patientBirthDate, p.patientSex,
                   st.studyDate, st.studyTime, st.accessionNumber, st.studyDescription,
                   \(dialect.distinctList("modality", from: "series WHERE studyInstanceUID = st.studyInstanceUID AND modality IS NOT NULL")),
                   (SELECT count(*) FROM series WHERE studyInstanceUID = st.studyInstanceUID),
                   (SELECT count(*) FROM instance i JOIN series s ON s.seriesInstanceUID = i.seriesInstanceUID
                        WHERE s.studyInstanceUID = st.studyInstanceUID),
                   \(dialect.distinctList("level", from: """
                        (SELECT level FROM studyLevel WHERE studyInstanceUID = st.studyInstanceUID
                         UNION SELECT sl.level FROM seriesLevel sl JOIN series s ON s.seriesInstanceUID = sl.seriesInstanceUID
                         WHERE s.studyInstanceUID = st.studyInstanceUID) AS levels
                        """)),
                   \(dialect.distinctList("submissionId", from: "submissionStudy WHERE studyInstanceUID = st.studyInstanceUID"))
            FROM (SELECT st.studyInstanceUID FROM study st \(filter.patientJoin)
                  \(filter.whereClause)
                  ORDER BY st.studyDate DESC, st.studyInstanceUID
                  \(filter.limitClause)) page
                 JOIN study st ON st.studyInstanceUID = page.studyInstanceUID
                 JOIN patient p ON p.id = st.patientRowID
            ORDER BY st.studyDate DESC, st.studyInstanceUID
            """
        let types: [CatalogTable.ColumnType] =
            Array(repeating: .text, count: 9) + [.text, .integer, .integer, .text, .text]
        return try await fetch(SQLStatement(sql, filter.arguments, returning: types), context: "querying studies").map {
            row in
            StudySummary(
                studyInstanceUID: row[0].text ?? "", patientID: nonEmpty(row[1].text), patientName: row[2].text,
                patientBirthDate: nonEmpty(row[3].text), patientSex: row[4].text, studyDate: row[5].text,
                studyTime: row[6].text, accessionNumber: row[7].text, studyDescription: row[8].text,
                modalitiesInStudy: words(row[9].text).sorted(),
                numberOfStudyRelatedSeries: Int(row[10].integer ?? 0),
                numberOfStudyRelatedInstances: Int(row[11].integer ?? 0),
                spinalLevels: SpinalLevelOrder.sorted(words(row[12].text)), submissionIds: words(row[13].text).sorted())
        }
    }

    public func series(matching query: CatalogQuery) async throws(CatalogError) -> [SeriesSummary] {
        let filter = CatalogFilter(query, level: .series, dialect: dialect)
        let sql = """
            SELECT se.seriesInstanceUID, se.studyInstanceUID, se.modality, se.seriesNumber, se.seriesDescription,
                   se.bodyPartExamined, se.plane,
                   (SELECT count(*) FROM instance WHERE seriesInstanceUID = se.seriesInstanceUID),
                   \(dialect.distinctList("level", from: "seriesLevel WHERE seriesInstanceUID = se.seriesInstanceUID"))
            FROM (SELECT se.seriesInstanceUID FROM series se JOIN study st ON st.studyInstanceUID = se.studyInstanceUID
                      \(filter.patientJoin)
                  \(filter.whereClause)
                  ORDER BY st.studyDate DESC, se.studyInstanceUID, se.seriesNumber, se.seriesInstanceUID
                  \(filter.limitClause)) page
                 JOIN series se ON se.seriesInstanceUID = page.seriesInstanceUID
                 JOIN study st ON st.studyInstanceUID = se.studyInstanceUID
            ORDER BY st.studyDate DESC, se.studyInstanceUID, se.seriesNumber, se.seriesInstanceUID
            """
        let types: [CatalogTable.ColumnType] = [.text, .text, .text, .integer, .text, .text, .text, .integer, .text]
        return try await fetch(SQLStatement(sql, filter.arguments, returning: types), context: "querying series").map {
            row in
            SeriesSummary(
                seriesInstanceUID: row[0].text ?? "", studyInstanceUID: row[1].text ?? "", modality: row[2].text,
                seriesNumber: row[3].integer.map(Int.init), seriesDescription: row[4].text,
                bodyPartExamined: row[5].text, numberOfSeriesRelatedInstances: Int(row[7].integer ?? 0),
                plane: row[6].text.flatMap(SeriesPlane.init(rawValue:)),
                spinalLevels: SpinalLevelOrder.sorted(words(row[8].text)))
        }
    }

    public func instances(matching query: CatalogQuery) async throws(CatalogError) -> [InstanceSummary] {
        let filter = CatalogFilter(query, level: .instance, dialect: dialect)
        let sql = """
            SELECT i.sopInstanceUID, i.seriesInstanceUID, i.sopClassUID, i.instanceNumber, i.transferSyntaxUID,
                   i.firstSubmissionId, i.damage,
                   (SELECT path FROM file WHERE instanceRowID = i.id AND submissionId = i.firstSubmissionId
                        ORDER BY id LIMIT 1)
            FROM instance i JOIN series se ON se.seriesInstanceUID = i.seriesInstanceUID
                 JOIN study st ON st.studyInstanceUID = se.studyInstanceUID
                 \(filter.patientJoin)
            \(filter.whereClause)
            ORDER BY se.seriesInstanceUID, i.instanceNumber, i.sopInstanceUID
            \(filter.limitClause)
            """
        let types: [CatalogTable.ColumnType] = [.text, .text, .text, .integer, .text, .text, .text, .text]
        return try await fetch(SQLStatement(sql, filter.arguments, returning: types), context: "querying instances")
            .map { row in
                InstanceSummary(
                    sopInstanceUID: row[0].text ?? "", seriesInstanceUID: row[1].text ?? "", sopClassUID: row[2].text,
                    instanceNumber: row[3].integer.map(Int.init), transferSyntaxUID: row[4].text,
                    submissionId: row[5].text ?? "", path: row[7].text, damage: row[6].text)
            }
    }

    public func storedInstances(matching query: CatalogQuery) async throws(CatalogError) -> [StoredInstance] {
        // The kept copy may be a held submission's, when an accepted one's identical file was linked
        // to it: which instances are served is `acceptedOnly`'s to say.
        let filter = CatalogFilter(query, level: .instance, dialect: dialect)
        let sql = """
            SELECT i.sopInstanceUID, i.seriesInstanceUID, se.studyInstanceUID, i.sopClassUID, i.instanceNumber,
                   i.transferSyntaxUID, i.headerDigest, f.submissionId, f.path, s.filesInPlace, s.source
            FROM instance i JOIN series se ON se.seriesInstanceUID = i.seriesInstanceUID
                 JOIN study st ON st.studyInstanceUID = se.studyInstanceUID
                 \(filter.patientJoin)
                 JOIN file f ON f.id = (SELECT kf.id FROM file kf JOIN submission ks ON ks.id = kf.submissionId
                     WHERE kf.instanceRowID = i.id AND ks.status IN ('accepted', 'held')
                           AND (ks.filesInPlace OR NOT kf.linked)
                     ORDER BY kf.id LIMIT 1)
                 JOIN submission s ON s.id = f.submissionId
            \(filter.whereClause)
            ORDER BY se.seriesInstanceUID, i.instanceNumber, i.sopInstanceUID
            \(filter.limitClause)
            """
        let types: [CatalogTable.ColumnType] = [
            .text, .text, .text, .text, .integer, .text, .text, .text, .text, .boolean, .text,
        ]
        return try await fetch(SQLStatement(sql, filter.arguments, returning: types), context: "locating instances")
            .map { row in
                StoredInstance(
                    sopInstanceUID: row[0].text ?? "", seriesInstanceUID: row[1].text ?? "",
                    studyInstanceUID: row[2].text ?? "", sopClassUID: row[3].text,
                    instanceNumber: row[4].integer.map(Int.init), transferSyntaxUID: row[5].text,
                    headerDigest: row[6].text ?? "", submissionId: row[7].text ?? "", path: row[8].text ?? "",
                    filesInPlace: row[9].boolean ?? false, source: row[10].text ?? "")
            }
    }

    public func submissionStatus(_ id: String) async throws(CatalogError) -> SubmissionRecord.Status? {
        let rows = try await fetch(
            SQLStatement("SELECT status FROM submission WHERE id = ?", [.text(id)], returning: [.text]),
            context: "looking up submission \(id)")
        return rows.first?[0].text.flatMap(SubmissionRecord.Status.init(rawValue:))
    }

    public func statistics() async throws(CatalogError) -> CatalogStatistics {
        let tables: [(String, CatalogTable)] = [
            ("submissions", .submission), ("patients", .patient), ("studies", .study), ("series", .series),
            ("instances", .instance), ("files", .file), ("findings", .finding),
        ]
        let grouped: [(String, CatalogTable, String)] = [
            ("submissions", .submission, "status"), ("files", .file, "role"), ("findings", .finding, "severity"),
            ("reviews", .review, "status"),
        ]
        let statements =
            tables.map { SQLStatement("SELECT count(*) FROM \($0.1.rawValue)", returning: [.integer]) }
            + grouped.map { _, table, column in
                SQLStatement(
                    "SELECT \(column), count(*) FROM \(table.rawValue) GROUP BY \(column) ORDER BY \(column)",
                    returning: [.text, .integer])
            }
        let results = try await fetch(statements, context: "counting")
        var counts: [(name: String, value: Int)] = []
        for (index, (name, _)) in tables.enumerated() {
            counts.append((name, Int(results[index].first?[0].integer ?? 0)))
        }
        for (index, (name, _, _)) in grouped.enumerated() {
            for row in results[tables.count + index] {
                counts.append(("\(name).\(row[0].text ?? "")", Int(row[1].integer ?? 0)))
            }
        }
        return CatalogStatistics(counts: counts)
    }

    public func submissionDetail(_ id: String) async throws(CatalogError) -> SubmissionDetail? {
        let results = try await fetch(
            [
                SQLStatement(
                    """
                    SELECT s.receivedAt, s.source, s.status, s.note, s.requester, s.priority, s.levelsOfConcern,
                           r.status, s.decision, s.decidedBy, s.decidedAt, s.decisionNote
                    FROM submission s LEFT JOIN review r ON r.submissionId = s.id WHERE s.id = ?
                    """, [.text(id)],
                    returning: [
                        .timestamp, .text, .text, .text, .text, .text, .text, .text, .text, .text, .timestamp, .text,
                    ]),
                SQLStatement(
                    "SELECT severity, code, message, path, uid FROM finding WHERE submissionId = ? ORDER BY id",
                    [.text(id)], returning: [.text, .text, .text, .text, .text]),
                SQLStatement(
                    "SELECT path FROM file WHERE submissionId = ? AND role = 'document' ORDER BY path", [.text(id)],
                    returning: [.text]),
            ], context: "reading submission \(id)")
        guard let row = results[0].first else { return nil }
        let findings = results[1].map { finding in
            SubmissionRecord.Finding(
                severity: finding[0].text.flatMap(SubmissionRecord.Finding.Severity.init(rawValue:)) ?? .error,
                code: finding[1].text ?? "", message: finding[2].text ?? "", path: finding[3].text, uid: finding[4].text
            )
        }
        return SubmissionDetail(
            id: id, receivedAt: row[0].timestamp ?? Date(timeIntervalSince1970: 0), source: row[1].text ?? "",
            status: row[2].text.flatMap(SubmissionRecord.Status.init(rawValue:)) ?? .quarantined, note: row[3].text,
            requester: row[4].text,
            priority: row[5].text.flatMap(SubmissionRecord.Priority.init(rawValue:)) ?? .routine,
            levelsOfConcern: words(row[6].text),
            reviewStatus: row[7].text.flatMap(ReviewSummary.Status.init(rawValue:)), decision: decision(row[8...11]),
            attachments: results[2].compactMap { $0[0].text },
            findings: findings.sorted { ($0.severity, $0.code) < ($1.severity, $1.code) },
            studies: try await studies(matching: CatalogQuery(submissionId: id)))
    }

    public func submissions(_ filter: SubmissionFilter) async throws(CatalogError) -> [SubmissionSummary] {
        let codes = dialect.distinctList(
            "code", from: "finding f WHERE f.submissionId = s.id AND f.severity IN ('error', 'warning')",
            separator: ",")
        let names = dialect.distinctList(
            "p.patientName",
            from: """
                submissionStudy ss JOIN study st ON st.studyInstanceUID = ss.studyInstanceUID
                     JOIN patient p ON p.id = st.patientRowID WHERE ss.submissionId = s.id
                """, separator: "\n")
        var conditions: [String] = []
        var arguments: [CatalogValue] = []
        if !filter.statuses.isEmpty {
            conditions.append("s.status IN (" + filter.statuses.map { _ in "?" }.joined(separator: ", ") + ")")
            arguments += filter.statuses.map { .text($0.rawValue) }
        }
        switch filter.decided {
        case nil: break
        case .nobody: conditions.append("s.decision IS NULL")
        case .decided(let kind):
            conditions.append("s.decision = ?")
            arguments.append(.text(kind.rawValue))
        }
        if let id = filter.id {
            conditions.append("s.id = ?")
            arguments.append(.text(id))
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var limitClause = ""
        if let limit = filter.limit {
            limitClause = "LIMIT ?"
            arguments.append(.integer(Int64(limit)))
        }
        let rows = try await fetch(
            SQLStatement(
                """
                SELECT s.id, s.receivedAt, s.source, s.status, s.decision, s.decidedBy, s.decidedAt, s.decisionNote,
                       \(names), \(codes)
                FROM submission s \(whereClause) ORDER BY s.receivedAt DESC, s.id DESC \(limitClause)
                """, arguments,
                returning: [.text, .timestamp, .text, .text, .text, .text, .timestamp, .text, .text, .text]),
            context: "listing submissions")
        return rows.map { row in
            SubmissionSummary(
                id: row[0].text ?? "", receivedAt: row[1].timestamp ?? Date(timeIntervalSince1970: 0),
                source: row[2].text ?? "",
                status: row[3].text.flatMap(SubmissionRecord.Status.init(rawValue:)) ?? .quarantined,
                decision: decision(row[4...7]),
                patientNames: (row[8].text ?? "").split(separator: "\n").map(String.init).sorted(),
                findingCodes: (row[9].text ?? "").split(separator: ",").map(String.init).sorted())
        }
    }

    public func linkedDuplicatePaths(_ id: String) async throws(CatalogError) -> [String] {
        try await fetch(
            SQLStatement(
                "SELECT path FROM file WHERE submissionId = ? AND linked ORDER BY path", [.text(id)], returning: [.text]
            ),
            context: "listing the linked files of submission \(id)"
        ).compactMap { $0[0].text }
    }

    public func catalogedSubmissions() async throws(CatalogError) -> [CatalogedSubmission] {
        let results = try await fetch(
            [
                SQLStatement(
                    """
                    SELECT id, status, source, filesInPlace FROM submission
                    WHERE status IN ('accepted', 'held', 'quarantined') ORDER BY id
                    """, returning: [.text, .text, .text, .boolean]),
                // A file linked to an earlier identical copy is not kept, unless it was cataloged where it lies.
                SQLStatement(
                    """
                    SELECT f.submissionId, f.path, f.size, f.contentHash, i.headerDigest
                    FROM file f JOIN submission s ON s.id = f.submissionId
                    LEFT JOIN instance i ON i.id = f.instanceRowID
                    WHERE s.filesInPlace OR NOT f.linked
                    ORDER BY f.submissionId, f.path
                    """, returning: [.text, .text, .integer, .text, .text]),
            ], context: "listing cataloged files")
        var submissions = results[0].compactMap { row -> CatalogedSubmission? in
            guard let status = row[1].text.flatMap(SubmissionRecord.Status.init(rawValue:)) else { return nil }
            return CatalogedSubmission(
                id: row[0].text ?? "", status: status, source: row[2].text ?? "", filesInPlace: row[3].boolean ?? false,
                files: [])
        }
        let indexByID = Dictionary(uniqueKeysWithValues: submissions.enumerated().map { ($1.id, $0) })
        for row in results[1] {
            guard let index = indexByID[row[0].text ?? ""] else { continue }
            submissions[index].files.append(
                CatalogedFile(
                    path: row[1].text ?? "", size: row[2].integer ?? 0, contentHash: row[3].text,
                    headerDigest: row[4].text))
        }
        return submissions
    }

    public func reviews(status: ReviewSummary.Status?, reviewer: String?) async throws(CatalogError)
        -> [ReviewSummary]
    {
        var conditions: [String] = []
        var arguments: [CatalogValue] = []
        if let status {
            conditions.append("r.status = ?")
            arguments.append(.text(status.rawValue))
        }
        if let reviewer {
            conditions.append("r.reviewer = ?")
            arguments.append(.text(reviewer))
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var statement = reviewStatement(whereClause + " ORDER BY " + ReviewSQL.queueOrder)
        statement.arguments = arguments
        return try await fetch(statement, context: "listing reviews").map(ReviewSQL.review)
    }

    /// The review of each submission `where` selects, as `ReviewSQL.review` reads it.
    public func reviewStatement(_ whereClause: String) -> SQLStatement {
        let names = dialect.distinctList(
            "p.patientName",
            from: """
                submissionStudy ss JOIN study st ON st.studyInstanceUID = ss.studyInstanceUID
                     JOIN patient p ON p.id = st.patientRowID WHERE ss.submissionId = r.submissionId
                """, separator: "\n")
        let joined = dialect.distinctList("l.submissionId", from: "reviewLink l WHERE l.reviewSubmissionId = r.submissionId")
        return SQLStatement(
            """
            SELECT r.submissionId, r.status, r.priority, r.reviewer, r.queuedAt, r.claimedAt, r.completedAt, r.outcome,
                   s.levelsOfConcern, \(names), \(joined), r.followUpOf
            FROM review r JOIN submission s ON s.id = r.submissionId
            \(whereClause)
            """,
            returning: [.text, .text, .text, .text, .timestamp, .timestamp, .timestamp, .text, .text, .text, .text, .text])
    }

    public func rows(of table: CatalogTable, offset: Int, limit: Int) async throws(CatalogError) -> [[CatalogValue]] {
        let columns = table.columns
        return try await fetch(
            SQLStatement(
                """
                SELECT \(columns.map(\.name).joined(separator: ", ")) FROM \(table.rawValue)
                ORDER BY \(table.keyColumns.joined(separator: ", ")) LIMIT ? OFFSET ?
                """, [.integer(Int64(limit)), .integer(Int64(offset))], returning: columns.map(\.type)),
            context: "reading \(table.rawValue)")
    }

    public func count(of table: CatalogTable) async throws(CatalogError) -> Int {
        let rows = try await fetch(
            SQLStatement("SELECT count(*) FROM \(table.rawValue)", returning: [.integer]),
            context: "counting \(table.rawValue)")
        return Int(rows.first?[0].integer ?? 0)
    }
}

/// What the review statements share.
public enum ReviewSQL {
    public static let queueOrder = "CASE r.priority WHEN 'urgent' THEN 0 ELSE 1 END, r.queuedAt, r.submissionId"

    /// A row of `SQLCatalog.reviewStatement`.
    public static func review(_ row: [CatalogValue]) -> ReviewSummary {
        ReviewSummary(
            submissionId: row[0].text ?? "",
            status: row[1].text.flatMap(ReviewSummary.Status.init(rawValue:)) ?? .queued,
            priority: row[2].text.flatMap(SubmissionRecord.Priority.init(rawValue:)) ?? .routine,
            reviewer: row[3].text, queuedAt: row[4].timestamp ?? Date(timeIntervalSince1970: 0),
            claimedAt: row[5].timestamp, completedAt: row[6].timestamp, outcome: row[7].text,
            levelsOfConcern: words(row[8].text),
            patientNames: (row[9].text ?? "").split(separator: "\n").map(String.init).sorted(),
            submissionIds: [row[0].text ?? ""] + words(row[10].text).sorted(), followUpOf: row[11].text)
    }
}

/// A person's decision from the columns decision, decidedBy, decidedAt and decisionNote.
private func decision(_ columns: ArraySlice<CatalogValue>) -> SubmissionSummary.Decision? {
    let values = Array(columns)
    guard let kind = values[0].text.flatMap(SubmissionDecision.Kind.init(rawValue:)) else { return nil }
    return SubmissionSummary.Decision(
        kind: kind, by: values[1].text ?? "", at: values[2].timestamp ?? Date(timeIntervalSince1970: 0),
        note: values[3].text)
}

private func words(_ text: String?) -> [String] {
    (text ?? "").split(separator: " ").map(String.init)
}

private func nonEmpty(_ text: String?) -> String? {
    text?.isEmpty == false ? text : nil
}
