import Foundation

/// The rows one submission adds, as statements both backends run (SQLite one row at a time,
/// PostgreSQL the many-row tables in batches): what goes into which column is decided once, here.
public enum SubmissionRows {
    public static let insertSubmission = SQLStatement(
        """
        INSERT INTO submission (id, receivedAt, source, status, note, requester, priority, levelsOfConcern, filesInPlace)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)

    public static func submission(_ submission: SubmissionRecord) -> [CatalogValue] {
        [
            .text(submission.id), .timestamp(submission.receivedAt), .text(submission.source),
            .text(submission.status.rawValue), CatalogValue(submission.note), CatalogValue(submission.requester),
            .text(submission.priority.rawValue), .text(submission.levelsOfConcern.joined(separator: " ")),
            .boolean(submission.filesInPlace),
        ]
    }

    /// Returns the patient's row id. A patient seen before keeps its row; a name or sex it lacked is filled in.
    public static let upsertPatient = SQLStatement(
        """
        INSERT INTO patient (patientID, issuerOfPatientID, nameKey, patientBirthDate, patientName, patientSex)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (patientID, issuerOfPatientID, nameKey, patientBirthDate)
        DO UPDATE SET patientName = coalesce(patient.patientName, excluded.patientName),
                      patientSex = coalesce(patient.patientSex, excluded.patientSex)
        RETURNING id
        """, returning: [.integer])

    public static func patient(_ patient: CatalogPatient) -> [CatalogValue] {
        [
            .text(patient.patientID ?? ""), .text(patient.issuerOfPatientID ?? ""), .text(patient.nameKey),
            .text(patient.patientBirthDate ?? ""), CatalogValue(patient.patientName), CatalogValue(patient.patientSex),
        ]
    }

    /// A study seen before keeps its row; attributes it lacked are filled in.
    public static let upsertStudy = SQLStatement(
        """
        INSERT INTO study (studyInstanceUID, patientRowID, studyDate, studyTime, accessionNumber, studyDescription,
                           referringPhysicianName, institutionName)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (studyInstanceUID) DO UPDATE SET
            studyDate = coalesce(study.studyDate, excluded.studyDate),
            studyTime = coalesce(study.studyTime, excluded.studyTime),
            accessionNumber = coalesce(study.accessionNumber, excluded.accessionNumber),
            studyDescription = coalesce(study.studyDescription, excluded.studyDescription)
        """)

    public static func study(_ study: SubmissionRecord.Study, patientRowID: Int64) -> [CatalogValue] {
        [
            .text(study.studyInstanceUID), .integer(patientRowID), CatalogValue(study.studyDate),
            CatalogValue(study.studyTime), CatalogValue(study.accessionNumber), CatalogValue(study.studyDescription),
            CatalogValue(study.referringPhysicianName), CatalogValue(study.institutionName),
        ]
    }

    public static let insertStudyLevel = SQLStatement(
        "INSERT INTO studyLevel (studyInstanceUID, level) VALUES (?, ?) ON CONFLICT DO NOTHING")
    public static let insertSubmissionStudy = SQLStatement(
        "INSERT INTO submissionStudy (submissionId, studyInstanceUID) VALUES (?, ?) ON CONFLICT DO NOTHING")

    /// A series seen before (the same series on a second disc) keeps its row.
    public static let insertSeries = SQLStatement(
        """
        INSERT INTO series (seriesInstanceUID, studyInstanceUID, modality, seriesNumber, seriesDescription,
                            protocolName, bodyPartExamined, plane, sliceThickness, magneticFieldStrength,
                            repetitionTime, echoTime, convolutionKernel, manufacturer, manufacturerModelName)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (seriesInstanceUID) DO NOTHING
        """)

    public static func series(_ series: SubmissionRecord.Series) -> [CatalogValue] {
        [
            .text(series.seriesInstanceUID), .text(series.studyInstanceUID), CatalogValue(series.modality),
            CatalogValue(series.seriesNumber), CatalogValue(series.seriesDescription),
            CatalogValue(series.protocolName), CatalogValue(series.bodyPartExamined),
            CatalogValue(series.plane?.rawValue), CatalogValue(series.sliceThickness),
            CatalogValue(series.magneticFieldStrength), CatalogValue(series.repetitionTime),
            CatalogValue(series.echoTime), CatalogValue(series.convolutionKernel), CatalogValue(series.manufacturer),
            CatalogValue(series.manufacturerModelName),
        ]
    }

    public static let insertSeriesLevel = SQLStatement(
        "INSERT INTO seriesLevel (seriesInstanceUID, level, studyInstanceUID) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")

    /// The instances held with one SOPInstanceUID, as `SubmissionWritePlan.HeldInstance`.
    public static let heldInstanceColumns = """
        SELECT i.id, i.sopInstanceUID, i.headerDigest, i.firstSubmissionId,
               (SELECT path FROM file WHERE instanceRowID = i.id AND submissionId = i.firstSubmissionId
                    ORDER BY id LIMIT 1)
        FROM instance i
        """
    public static let heldInstanceTypes: [CatalogTable.ColumnType] = [.integer, .text, .text, .text, .text]

    public static func heldInstance(_ row: [CatalogValue]) -> SubmissionWritePlan.HeldInstance {
        SubmissionWritePlan.HeldInstance(
            key: .init(sopInstanceUID: row[1].text ?? "", headerDigest: row[2].text ?? ""), rowID: row[0].integer ?? 0,
            submissionId: row[3].text ?? "", path: row[4].text)
    }

    public static let instanceColumns = [
        "sopInstanceUID", "headerDigest", "seriesInstanceUID", "sopClassUID", "instanceNumber", "transferSyntaxUID",
        "firstSubmissionId", "damage",
    ]

    public static func instance(_ instance: SubmissionRecord.Instance, submissionId: String) -> [CatalogValue] {
        [
            .text(instance.sopInstanceUID), .text(instance.headerDigest), .text(instance.seriesInstanceUID),
            CatalogValue(instance.sopClassUID), CatalogValue(instance.instanceNumber),
            CatalogValue(instance.transferSyntaxUID), .text(submissionId), CatalogValue(instance.damage),
        ]
    }

    public static let fileColumns = ["submissionId", "path", "size", "contentHash", "role", "instanceRowID", "linked"]

    public static func file(
        _ file: SubmissionRecord.File, submissionId: String, instanceRowID: Int64?, linked: Bool
    ) -> [CatalogValue] {
        [
            .text(submissionId), .text(file.path), .integer(file.size), CatalogValue(file.contentHash),
            .text(file.role.rawValue), instanceRowID.map(CatalogValue.integer) ?? .null, .boolean(linked),
        ]
    }

    public static let findingColumns = ["submissionId", "severity", "code", "message", "path", "uid"]

    public static func finding(_ finding: SubmissionRecord.Finding, submissionId: String) -> [CatalogValue] {
        [
            .text(submissionId), .text(finding.severity.rawValue), .text(finding.code), .text(finding.message),
            CatalogValue(finding.path), CatalogValue(finding.uid),
        ]
    }

    /// The statements that give the accepted submission `id` its place in the review: a review of
    /// its own queued at `queuedAt` with `priority` (a follow-up's marked), or a link to the review
    /// it joins.
    public static func placing(
        _ placement: ReviewPlacement, submissionId id: String, priority: SubmissionRecord.Priority, queuedAt: Date
    ) -> [SQLStatement] {
        let insertReview = "INSERT INTO review (submissionId, status, priority, queuedAt, followUpOf) VALUES (?, 'queued', ?, ?, ?)"
        switch placement {
        case .queued:
            return [SQLStatement(insertReview, [.text(id), .text(priority.rawValue), .timestamp(queuedAt), .null])]
        case .followUp(let done):
            return [SQLStatement(insertReview, [.text(id), .text(priority.rawValue), .timestamp(queuedAt), .text(done)])]
        case .joined(let review):
            return [
                SQLStatement(
                    "INSERT INTO reviewLink (submissionId, reviewSubmissionId) VALUES (?, ?)", [.text(id), .text(review)])
            ]
        }
    }

    /// The reviews that cover any of the studies `uids`: the review of each submission that brought
    /// one, or the review that submission joined.
    public static func coveringReviews(ofStudies uids: [String]) -> SQLStatement {
        SQLStatement(
            """
            SELECT DISTINCT r.submissionId, r.status FROM submissionStudy ss
                LEFT JOIN reviewLink l ON l.submissionId = ss.submissionId
                JOIN review r ON r.submissionId = coalesce(l.reviewSubmissionId, ss.submissionId)
            WHERE ss.studyInstanceUID IN (\(uids.map { _ in "?" }.joined(separator: ", ")))
            ORDER BY r.submissionId
            """, uids.map(CatalogValue.text), returning: [.text, .text])
    }

    public static func coveringReview(_ row: [CatalogValue]) -> CoveringReview {
        CoveringReview(
            reviewId: row[0].text ?? "", status: row[1].text.flatMap(ReviewSummary.Status.init(rawValue:)) ?? .queued)
    }

    /// The series of `uids` the catalog holds already.
    public static func heldSeries(_ uids: [String]) -> SQLStatement {
        SQLStatement(
            "SELECT seriesInstanceUID FROM series WHERE seriesInstanceUID IN (\(uids.map { _ in "?" }.joined(separator: ", ")))",
            uids.map(CatalogValue.text), returning: [.text])
    }

    public static let insertEvent = SQLStatement("INSERT INTO event (at, actor, action, subject) VALUES (?, ?, ?, ?)")

    /// The audit event of a recorded submission: `ingested`, `held` or `quarantined` (`retried`
    /// when it replaced a quarantined entry).
    public static func event(_ submission: SubmissionRecord, replacing: Bool) -> [CatalogValue] {
        let action = replacing ? "retried" : submission.status == .accepted ? "ingested" : submission.status.rawValue
        return [.timestamp(submission.receivedAt), .text("intake"), .text(action), .text(submission.id)]
    }

    /// What a retry removes of the quarantined entry it replaces, before writing its own rows (a
    /// quarantined entry has files, findings and its submission row only); the argument of each
    /// is the submission id.
    public static let removeQuarantinedEntry = [
        "DELETE FROM file WHERE submissionId = ?", "DELETE FROM finding WHERE submissionId = ?",
        "DELETE FROM submission WHERE id = ?",
    ]

    /// A row when the entry a retry would replace is quarantined and undecided.
    public static func replaceableEntry(_ id: String) -> SQLStatement {
        SQLStatement(
            "SELECT 1 FROM submission WHERE id = ? AND status = 'quarantined' AND decision IS NULL", [.text(id)],
            returning: [.integer])
    }

    /// An audit event: who did what to which submission, when.
    public static func audit(actor: String, action: String, subject: String, at time: Date) -> [CatalogValue] {
        [.timestamp(time), .text(actor), .text(action), .text(subject)]
    }

    /// An INSERT of `rows` rows into `columns` of `table`, with `?` placeholders.
    public static func insert(into table: String, columns: [String], rows: Int) -> String {
        let row = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        return "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
            + Array(repeating: row, count: rows).joined(separator: ", ")
    }
}
