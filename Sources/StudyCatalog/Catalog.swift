import Foundation
import GRDB

/// The catalog: one SQLite file in WAL mode, shared by the daemon and the command line, owned by
/// this one type. It migrates when opened and offers one transactional method per intention.
public final class Catalog: Sendable {
    let pool: DatabasePool
    public let path: String

    /// How long a writer waits for another process's transaction before giving up.
    public static let busyTimeout: TimeInterval = 10

    /// Opens (creating if needed) the catalog at `path`. The file is created readable by its owner
    /// only, whatever the umask; SQLite gives its -wal and -shm files the same permissions.
    public init(path: String) throws(CatalogError) {
        self.path = path
        do {
            pool = try Self.openExclusively(path)
        } catch {
            throw CatalogError(error, context: path)
        }
    }

    /// Creates (0600), opens and migrates the catalog under an exclusive `flock` on
    /// `<catalog>.open-lock`. Two processes opening a new catalog at once (two watchers) would
    /// otherwise race: switching a new file to WAL fails with SQLITE_BUSY whatever the busy timeout,
    /// and GRDB checks which migrations ran before it takes SQLite's write lock.
    private static func openExclusively(_ path: String) throws -> DatabasePool {
        let lockPath = path + ".open-lock"
        let lock = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard lock >= 0 else {
            throw CatalogError(code: .cannotOpen, context: lockPath, detail: String(cString: strerror(errno)))
        }
        defer { close(lock) }
        guard flock(lock, LOCK_EX) == 0 else {
            throw CatalogError(code: .cannotOpen, context: lockPath, detail: String(cString: strerror(errno)))
        }
        defer { flock(lock, LOCK_UN) }
        if !FileManager.default.fileExists(atPath: path) {
            let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw CatalogError(code: .cannotOpen, context: path, detail: String(cString: strerror(errno)))
            }
            close(descriptor)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try CatalogSchema.migrator.migrate(pool)
        return pool
    }

    /// Writes a whole submission in one transaction: it is in the catalog entirely or not at all.
    ///
    /// An instance already cataloged with the same content is linked, not added again, and noted
    /// as `duplicate-identical` (naming the submission that first brought it); the same
    /// SOPInstanceUID with other content is kept apart and noted as `duplicate-conflict`. An accepted
    /// submission is queued for review.
    @discardableResult
    public func record(_ submission: SubmissionRecord) throws(CatalogError) -> [SubmissionRecord.Finding] {
        do {
            return try pool.write { db in try Self.insert(submission, into: db) }
        } catch {
            throw CatalogError(error, context: "recording submission \(submission.id)")
        }
    }

    private static func insert(_ submission: SubmissionRecord, into db: Database) throws -> [SubmissionRecord.Finding] {
        let timestamp = Self.timestamp(submission.receivedAt)
        try db.execute(
            sql: """
                INSERT INTO submission (id, receivedAt, source, status, note, requester, priority, levelsOfConcern,
                                        filesInPlace)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                submission.id, timestamp, submission.source, submission.status.rawValue, submission.note,
                submission.requester,
                submission.priority.rawValue, submission.levelsOfConcern.joined(separator: " "),
                submission.filesInPlace,
            ])
        for study in submission.studies {
            let patient = study.patient
            let patientRowID = try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        INSERT INTO patient (patientID, issuerOfPatientID, nameKey, patientBirthDate, patientName, patientSex)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (patientID, issuerOfPatientID, nameKey, patientBirthDate)
                        DO UPDATE SET patientName = coalesce(patientName, excluded.patientName),
                                      patientSex = coalesce(patientSex, excluded.patientSex)
                        RETURNING id
                        """),
                arguments: [
                    patient.patientID ?? "", patient.issuerOfPatientID ?? "", patient.nameKey,
                    patient.patientBirthDate ?? "", patient.patientName, patient.patientSex,
                ])
            try db.cachedStatement(
                sql: """
                    INSERT INTO study (studyInstanceUID, patientRowID, studyDate, studyTime, accessionNumber,
                                       studyDescription, referringPhysicianName, institutionName)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (studyInstanceUID) DO UPDATE SET
                        studyDate = coalesce(studyDate, excluded.studyDate),
                        studyTime = coalesce(studyTime, excluded.studyTime),
                        accessionNumber = coalesce(accessionNumber, excluded.accessionNumber),
                        studyDescription = coalesce(studyDescription, excluded.studyDescription)
                    """
            ).execute(arguments: [
                study.studyInstanceUID, patientRowID, study.studyDate, study.studyTime, study.accessionNumber,
                study.studyDescription, study.referringPhysicianName, study.institutionName,
            ])
            for level in study.spinalLevels {
                try db.cachedStatement(sql: "INSERT OR IGNORE INTO studyLevel (studyInstanceUID, level) VALUES (?, ?)")
                    .execute(arguments: [study.studyInstanceUID, level])
            }
            try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO submissionStudy (submissionId, studyInstanceUID) VALUES (?, ?)"
            ).execute(arguments: [submission.id, study.studyInstanceUID])
        }
        for series in submission.series {
            try db.cachedStatement(
                sql: """
                    INSERT INTO series (seriesInstanceUID, studyInstanceUID, modality, seriesNumber, seriesDescription,
                                        protocolName, bodyPartExamined, plane, sliceThickness, magneticFieldStrength,
                                        repetitionTime, echoTime, convolutionKernel, manufacturer, manufacturerModelName)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (seriesInstanceUID) DO NOTHING
                    """
            ).execute(arguments: [
                series.seriesInstanceUID, series.studyInstanceUID, series.modality, series.seriesNumber,
                series.seriesDescription, series.protocolName, series.bodyPartExamined, series.plane,
                series.sliceThickness, series.magneticFieldStrength, series.repetitionTime, series.echoTime,
                series.convolutionKernel, series.manufacturer, series.manufacturerModelName,
            ])
            for level in series.spinalLevels {
                try db.cachedStatement(
                    sql: "INSERT OR IGNORE INTO seriesLevel (seriesInstanceUID, level) VALUES (?, ?)"
                ).execute(arguments: [series.seriesInstanceUID, level])
            }
        }
        var findings: [SubmissionRecord.Finding] = []
        var instanceRowIDByPath: [String: Int64] = [:]
        for instance in submission.instances {
            // One lookup: an identical instance if there is one, else any with this SOPInstanceUID.
            let existing = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT id, firstSubmissionId, headerDigest = ? AS identical FROM instance
                        WHERE sopInstanceUID = ? ORDER BY identical DESC LIMIT 1
                        """),
                arguments: [instance.headerDigest, instance.sopInstanceUID])
            if let existing {
                let earlier: String = existing["firstSubmissionId"]
                if existing["identical"] as Bool {
                    instanceRowIDByPath[instance.path] = existing["id"]
                    findings.append(
                        .init(
                            severity: .info, code: "duplicate-identical",
                            message: "already cataloged from submission \(earlier); linked, not stored again",
                            path: instance.path, uid: instance.sopInstanceUID))
                    continue
                }
                let place = earlier == submission.id ? "this submission" : "submission \(earlier)"
                findings.append(
                    .init(
                        severity: .error, code: "duplicate-conflict",
                        message: "the same SOPInstanceUID with other content is already in \(place); kept apart",
                        path: instance.path, uid: instance.sopInstanceUID))
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO instance (sopInstanceUID, headerDigest, seriesInstanceUID, sopClassUID, instanceNumber,
                                          transferSyntaxUID, firstSubmissionId, damage)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                instance.sopInstanceUID, instance.headerDigest, instance.seriesInstanceUID, instance.sopClassUID,
                instance.instanceNumber, instance.transferSyntaxUID, submission.id, instance.damage,
            ])
            instanceRowIDByPath[instance.path] = db.lastInsertedRowID
        }
        for file in submission.files {
            try db.cachedStatement(
                sql: """
                    INSERT INTO file (submissionId, path, size, contentHash, role, instanceRowID)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: [
                submission.id, file.path, file.size, file.contentHash, file.role, instanceRowIDByPath[file.path],
            ])
        }
        for finding in submission.findings + findings {
            try db.cachedStatement(
                sql: "INSERT INTO finding (submissionId, severity, code, message, path, uid) VALUES (?, ?, ?, ?, ?, ?)"
            ).execute(arguments: [
                submission.id, finding.severity.rawValue, finding.code, finding.message, finding.path, finding.uid,
            ])
        }
        if submission.status == .accepted {
            try db.execute(
                sql: "INSERT INTO review (submissionId, status, priority, queuedAt) VALUES (?, 'queued', ?, ?)",
                arguments: [submission.id, submission.priority.rawValue, timestamp])
        }
        try db.execute(
            sql: "INSERT INTO event (at, actor, action, subject) VALUES (?, 'intake', ?, ?)",
            arguments: [timestamp, submission.status == .accepted ? "ingested" : "quarantined", submission.id])
        return findings
    }
}
