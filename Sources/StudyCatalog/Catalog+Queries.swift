import Foundation
import GRDB

/// A study as `intake query studies` lists it (QIDO-RS study attributes plus ours).
public struct StudySummary: Sendable, Hashable {
    public var studyInstanceUID: String
    public var patientID: String?
    public var patientName: String?
    public var patientBirthDate: String?
    public var patientSex: String?
    public var studyDate: String?
    public var studyTime: String?
    public var accessionNumber: String?
    public var studyDescription: String?
    public var modalitiesInStudy: [String]
    public var numberOfStudyRelatedSeries: Int
    public var numberOfStudyRelatedInstances: Int
    public var spinalLevels: [String]
    public var submissionIds: [String]
}

/// A series as `intake query series` lists it.
public struct SeriesSummary: Sendable, Hashable {
    public var seriesInstanceUID: String
    public var studyInstanceUID: String
    public var modality: String?
    public var seriesNumber: Int?
    public var seriesDescription: String?
    public var bodyPartExamined: String?
    public var numberOfSeriesRelatedInstances: Int
    public var plane: String?
    public var spinalLevels: [String]
}

/// An instance as `intake query instances` lists it.
public struct InstanceSummary: Sendable, Hashable {
    public var sopInstanceUID: String
    public var seriesInstanceUID: String
    public var sopClassUID: String?
    public var instanceNumber: Int?
    public var transferSyntaxUID: String?
    /// The submission that first brought these bytes, and the file's path within it.
    public var submissionId: String
    public var path: String?
    /// Why its header is incomplete, for a damaged file.
    public var damage: String?
}

extension Catalog {
    /// Studies matching every filter, newest first.
    public func studies(matching query: CatalogQuery) throws(CatalogError) -> [StudySummary] {
        let filter = Filter(query, level: .study)
        let sql = """
            SELECT st.studyInstanceUID, p.patientID, p.patientName, p.patientBirthDate, p.patientSex,
                   st.studyDate, st.studyTime, st.accessionNumber, st.studyDescription,
                   (SELECT group_concat(modality, ' ') FROM (SELECT DISTINCT modality FROM series
                        WHERE studyInstanceUID = st.studyInstanceUID AND modality IS NOT NULL ORDER BY modality)) AS modalities,
                   (SELECT count(*) FROM series WHERE studyInstanceUID = st.studyInstanceUID) AS seriesCount,
                   (SELECT count(*) FROM instance i JOIN series s ON s.seriesInstanceUID = i.seriesInstanceUID
                        WHERE s.studyInstanceUID = st.studyInstanceUID) AS instanceCount,
                   (SELECT group_concat(level, ' ') FROM (
                        SELECT level FROM studyLevel WHERE studyInstanceUID = st.studyInstanceUID
                        UNION SELECT sl.level FROM seriesLevel sl JOIN series s ON s.seriesInstanceUID = sl.seriesInstanceUID
                        WHERE s.studyInstanceUID = st.studyInstanceUID)) AS levels,
                   (SELECT group_concat(submissionId, ' ') FROM submissionStudy
                        WHERE studyInstanceUID = st.studyInstanceUID) AS submissions
            FROM study st JOIN patient p ON p.id = st.patientRowID
            \(filter.whereClause)
            ORDER BY st.studyDate DESC, st.studyInstanceUID
            \(filter.limitClause)
            """
        return try fetch(sql, filter.arguments, context: "querying studies") { row in
            StudySummary(
                studyInstanceUID: row["studyInstanceUID"], patientID: Self.nonEmpty(row["patientID"]),
                patientName: row["patientName"], patientBirthDate: Self.nonEmpty(row["patientBirthDate"]),
                patientSex: row["patientSex"], studyDate: row["studyDate"], studyTime: row["studyTime"],
                accessionNumber: row["accessionNumber"], studyDescription: row["studyDescription"],
                modalitiesInStudy: Self.words(row["modalities"]), numberOfStudyRelatedSeries: row["seriesCount"],
                numberOfStudyRelatedInstances: row["instanceCount"], spinalLevels: Self.levels(row["levels"]),
                submissionIds: Self.words(row["submissions"]).sorted())
        }
    }

    /// Series matching every filter, by study and series number.
    public func series(matching query: CatalogQuery) throws(CatalogError) -> [SeriesSummary] {
        let filter = Filter(query, level: .series)
        let sql = """
            SELECT se.seriesInstanceUID, se.studyInstanceUID, se.modality, se.seriesNumber, se.seriesDescription,
                   se.bodyPartExamined, se.plane,
                   (SELECT count(*) FROM instance WHERE seriesInstanceUID = se.seriesInstanceUID) AS instanceCount,
                   (SELECT group_concat(level, ' ') FROM seriesLevel WHERE seriesInstanceUID = se.seriesInstanceUID) AS levels
            FROM series se JOIN study st ON st.studyInstanceUID = se.studyInstanceUID
                 JOIN patient p ON p.id = st.patientRowID
            \(filter.whereClause)
            ORDER BY st.studyDate DESC, se.studyInstanceUID, se.seriesNumber, se.seriesInstanceUID
            \(filter.limitClause)
            """
        return try fetch(sql, filter.arguments, context: "querying series") { row in
            SeriesSummary(
                seriesInstanceUID: row["seriesInstanceUID"], studyInstanceUID: row["studyInstanceUID"],
                modality: row["modality"], seriesNumber: row["seriesNumber"],
                seriesDescription: row["seriesDescription"], bodyPartExamined: row["bodyPartExamined"],
                numberOfSeriesRelatedInstances: row["instanceCount"], plane: row["plane"],
                spinalLevels: Self.levels(row["levels"]))
        }
    }

    /// Instances matching every filter, by series and instance number.
    public func instances(matching query: CatalogQuery) throws(CatalogError) -> [InstanceSummary] {
        let filter = Filter(query, level: .series)
        let sql = """
            SELECT i.sopInstanceUID, i.seriesInstanceUID, i.sopClassUID, i.instanceNumber, i.transferSyntaxUID,
                   i.firstSubmissionId, i.damage,
                   (SELECT path FROM file WHERE instanceRowID = i.id AND submissionId = i.firstSubmissionId
                        ORDER BY id LIMIT 1) AS path
            FROM instance i JOIN series se ON se.seriesInstanceUID = i.seriesInstanceUID
                 JOIN study st ON st.studyInstanceUID = se.studyInstanceUID
                 JOIN patient p ON p.id = st.patientRowID
            \(filter.whereClause)
            ORDER BY se.seriesInstanceUID, i.instanceNumber, i.sopInstanceUID
            \(filter.limitClause)
            """
        return try fetch(sql, filter.arguments, context: "querying instances") { row in
            InstanceSummary(
                sopInstanceUID: row["sopInstanceUID"], seriesInstanceUID: row["seriesInstanceUID"],
                sopClassUID: row["sopClassUID"], instanceNumber: row["instanceNumber"],
                transferSyntaxUID: row["transferSyntaxUID"], submissionId: row["firstSubmissionId"],
                path: row["path"], damage: row["damage"])
        }
    }

    private func fetch<Value>(
        _ sql: String, _ arguments: StatementArguments, context: String, _ make: (Row) -> Value
    ) throws(CatalogError) -> [Value] {
        do {
            return try pool.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments).map(make) }
        } catch {
            throw CatalogError(error, context: context)
        }
    }

    private static func words(_ text: String?) -> [String] {
        (text ?? "").split(separator: " ").map(String.init)
    }

    /// Canonical levels in spinal order (C before T before L before S, then by number).
    private static func levels(_ text: String?) -> [String] {
        let order = Array("CTLS")
        return Set(words(text)).sorted { lhs, rhs in
            let key = { (level: String) -> (Int, Int, Int) in
                let letter = order.firstIndex(of: level.first ?? "S") ?? 4
                let number = Int(level.dropFirst().prefix { $0.isNumber }) ?? 0
                return (letter, number, level.contains("-") ? 1 : 0)
            }
            return key(lhs) < key(rhs)
        }
    }

    private static func nonEmpty(_ text: String?) -> String? {
        text?.isEmpty == false ? text : nil
    }
}

/// The WHERE clause of a query, at study level (series conditions through EXISTS) or at series
/// level (series conditions on `se` directly).
private struct Filter {
    enum Level { case study, series }

    private(set) var conditions: [String] = []
    private(set) var arguments = StatementArguments()
    let limit: Int?

    init(_ query: CatalogQuery, level: Level) {
        limit = query.limit
        func add(_ condition: String, _ values: [(any DatabaseValueConvertible)?]) {
            conditions.append(condition)
            arguments += StatementArguments(values)
        }
        /// A condition on the series: directly at series level, through EXISTS at study level.
        func onSeries(_ condition: String, _ values: [(any DatabaseValueConvertible)?]) {
            switch level {
            case .series:
                add(condition, values)
            case .study:
                add(
                    "EXISTS (SELECT 1 FROM series se WHERE se.studyInstanceUID = st.studyInstanceUID AND \(condition))",
                    values)
            }
        }
        if let patientID = query.patientID { add("p.patientID = ?", [patientID]) }
        if let name = query.patientName {
            let patterns = NameKey.globPatterns(name)
            add("(" + patterns.map { _ in "p.nameKey GLOB ?" }.joined(separator: " OR ") + ")", patterns)
        }
        if let modality = query.modality { onSeries("se.modality = ?", [modality.uppercased()]) }
        if let date = query.studyDate, let range = CatalogQuery.dateRange(date) {
            if let from = range.from { add("st.studyDate >= ?", [from]) }
            if let to = range.to { add("st.studyDate <= ?", [to]) }
        }
        if let description = query.description {
            let pattern = "%" + description + "%"
            switch level {
            case .study:
                add(
                    """
                    (st.studyDescription LIKE ? OR EXISTS (SELECT 1 FROM series se
                        WHERE se.studyInstanceUID = st.studyInstanceUID AND se.seriesDescription LIKE ?))
                    """, [pattern, pattern])
            case .series:
                add("se.seriesDescription LIKE ?", [pattern])
            }
        }
        if let bodyPart = query.bodyPart { onSeries("upper(se.bodyPartExamined) = ?", [bodyPart.uppercased()]) }
        if !query.levels.isEmpty {
            // Driven from the level indexes: the few rows at a level, not every series' levels.
            let marks = Array(repeating: "?", count: query.levels.count).joined(separator: ", ")
            let seriesAtLevel = "SELECT seriesInstanceUID FROM seriesLevel WHERE level IN (\(marks))"
            switch level {
            case .series:
                add("se.seriesInstanceUID IN (\(seriesAtLevel))", query.levels)
            case .study:
                add(
                    """
                    st.studyInstanceUID IN (SELECT studyInstanceUID FROM studyLevel WHERE level IN (\(marks))
                        UNION SELECT studyInstanceUID FROM series WHERE seriesInstanceUID IN (\(seriesAtLevel)))
                    """, query.levels + query.levels)
            }
        }
        if let accession = query.accessionNumber { add("st.accessionNumber = ?", [accession]) }
        if let uid = query.studyInstanceUID { add("st.studyInstanceUID = ?", [uid]) }
        if let submission = query.submissionId {
            add(
                "EXISTS (SELECT 1 FROM submissionStudy ss WHERE ss.studyInstanceUID = st.studyInstanceUID AND ss.submissionId = ?)",
                [submission])
        }
    }

    var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
    var limitClause: String { limit.map { "LIMIT \(max(0, $0))" } ?? "" }
}

extension Catalog {
    /// The status of the submission with this id; nil when the catalog does not have it.
    public func submissionStatus(_ id: String) throws(CatalogError) -> SubmissionRecord.Status? {
        do {
            return try pool.read { db in
                try String.fetchOne(db, sql: "SELECT status FROM submission WHERE id = ?", arguments: [id])
                    .flatMap(SubmissionRecord.Status.init(rawValue:))
            }
        } catch {
            throw CatalogError(error, context: "looking up submission \(id)")
        }
    }
}

/// What the catalog holds, for `intake stats`.
public struct CatalogStatistics: Sendable, Hashable {
    /// Named counts in a fixed order: submissions by status, patients, studies, series, instances,
    /// files by role, findings by severity, reviews by status.
    public var counts: [(name: String, value: Int)]

    public static func == (lhs: CatalogStatistics, rhs: CatalogStatistics) -> Bool {
        lhs.counts.map(\.name) == rhs.counts.map(\.name) && lhs.counts.map(\.value) == rhs.counts.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for (name, value) in counts {
            hasher.combine(name)
            hasher.combine(value)
        }
    }
}

extension Catalog {
    /// Counts of everything cataloged.
    public func statistics() throws(CatalogError) -> CatalogStatistics {
        do {
            return try pool.read { db in
                var counts: [(name: String, value: Int)] = []
                let tables = [
                    ("submissions", "submission"), ("patients", "patient"), ("studies", "study"), ("series", "series"),
                    ("instances", "instance"), ("files", "file"), ("findings", "finding"),
                ]
                for (name, table) in tables {
                    counts.append((name, try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0))
                }
                let grouped = [
                    ("submissions", "submission", "status"), ("files", "file", "role"),
                    ("findings", "finding", "severity"), ("reviews", "review", "status"),
                ]
                for (name, table, column) in grouped {
                    let rows = try Row.fetchAll(
                        db,
                        sql:
                            "SELECT \(column) AS name, count(*) AS value FROM \(table) GROUP BY \(column) ORDER BY \(column)"
                    )
                    for row in rows {
                        counts.append(("\(name).\(row["name"] as String)", row["value"]))
                    }
                }
                return CatalogStatistics(counts: counts)
            }
        } catch {
            throw CatalogError(error, context: "counting")
        }
    }
}

extension Catalog {
    /// The submission with this id and its studies, findings and review; nil when there is none.
    public func submissionDetail(_ id: String) throws(CatalogError) -> SubmissionDetail? {
        let row: Row?
        let findings: [SubmissionRecord.Finding]
        let attachments: [String]
        do {
            (row, findings, attachments) = try pool.read { db in
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT s.*, r.status AS reviewStatus FROM submission s
                        LEFT JOIN review r ON r.submissionId = s.id WHERE s.id = ?
                        """, arguments: [id])
                let findings = try Row.fetchAll(
                    db, sql: "SELECT * FROM finding WHERE submissionId = ? ORDER BY id", arguments: [id]
                ).map { row in
                    SubmissionRecord.Finding(
                        severity: SubmissionRecord.Finding.Severity(rawValue: row["severity"]) ?? .error,
                        code: row["code"], message: row["message"], path: row["path"], uid: row["uid"])
                }
                let attachments = try String.fetchAll(
                    db, sql: "SELECT path FROM file WHERE submissionId = ? AND role = 'document' ORDER BY path",
                    arguments: [id])
                return (row, findings, attachments)
            }
        } catch {
            throw CatalogError(error, context: "reading submission \(id)")
        }
        guard let row else { return nil }
        return SubmissionDetail(
            id: row["id"], receivedAt: row["receivedAt"], source: row["source"], status: row["status"],
            note: row["note"], requester: row["requester"], priority: row["priority"],
            levelsOfConcern: (row["levelsOfConcern"] as String).split(separator: " ").map(String.init),
            reviewStatus: row["reviewStatus"], attachments: attachments,
            findings: findings.sorted { ($0.severity, $0.code) < ($1.severity, $1.code) },
            studies: try studies(matching: CatalogQuery(submissionId: id)))
    }
}

extension Catalog {
    /// Quarantined submissions, oldest first, with the codes of their error findings.
    public func quarantinedSubmissions() throws(CatalogError) -> [(
        id: String, receivedAt: String, source: String, errors: [String]
    )] {
        do {
            return try pool.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT s.id, s.receivedAt, s.source,
                               (SELECT group_concat(DISTINCT code) FROM finding f
                                    WHERE f.submissionId = s.id AND f.severity = 'error') AS errors
                        FROM submission s WHERE s.status = 'quarantined' ORDER BY s.receivedAt, s.id
                        """
                ).map { row in
                    (
                        row["id"], row["receivedAt"], row["source"],
                        ((row["errors"] as String?) ?? "").split(separator: ",").map(String.init).sorted()
                    )
                }
            }
        } catch {
            throw CatalogError(error, context: "listing quarantine")
        }
    }

    /// Marks a quarantined submission as put through again as `newSubmissionId`, with an audit event.
    public func markRetried(_ id: String, as newSubmissionId: String, at time: Date = Date()) throws(CatalogError) {
        do {
            try pool.write { db in
                try db.execute(
                    sql: "UPDATE submission SET status = 'retried' WHERE id = ? AND status = 'quarantined'",
                    arguments: [id])
                guard db.changesCount == 1 else {
                    throw CatalogError(code: .stateConflict, context: "retrying \(id)", detail: "it is not quarantined")
                }
                try db.execute(
                    sql: "INSERT INTO event (at, actor, action, subject) VALUES (?, 'intake', ?, ?)",
                    arguments: [Self.timestamp(time), "retried-as " + newSubmissionId, id])
            }
        } catch {
            throw CatalogError(error, context: "retrying \(id)")
        }
    }
}

extension Catalog {
    /// Paths of a submission's files that were linked to an identical copy cataloged earlier
    /// instead of being kept (its `duplicate-identical` findings).
    public func linkedDuplicatePaths(_ id: String) throws(CatalogError) -> [String] {
        do {
            return try pool.read { db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT path FROM finding
                        WHERE submissionId = ? AND code = 'duplicate-identical' AND path IS NOT NULL
                        """,
                    arguments: [id])
            }
        } catch {
            throw CatalogError(error, context: "listing the linked files of submission \(id)")
        }
    }
}
