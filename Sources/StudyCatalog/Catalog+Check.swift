import GRDB

/// A submission whose files the catalog expects on disk, for `intake check`.
public struct CatalogedSubmission: Sendable {
    public var id: String
    public var status: SubmissionRecord.Status
    /// The drop the files were cataloged in, when `filesInPlace`.
    public var source: String
    public var filesInPlace: Bool
    /// The files that should be there: every file of the submission but those linked to an earlier
    /// identical copy instead of being kept.
    public var files: [CatalogedFile]
}

/// One file the catalog expects, with what it knows of its bytes.
public struct CatalogedFile: Sendable {
    public var path: String
    public var size: Int64
    /// SHA-256 of all its bytes, when they were all read at intake.
    public var contentHash: String?
    /// The header digest of the instance it holds, when it is one.
    public var headerDigest: String?
}

extension Catalog {
    /// Every accepted or quarantined submission with the files it expects on disk.
    public func catalogedSubmissions() throws(CatalogError) -> [CatalogedSubmission] {
        do {
            return try pool.read { db in
                var submissions = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT id, status, source, filesInPlace FROM submission
                        WHERE status IN ('accepted', 'quarantined') ORDER BY id
                        """
                ).compactMap { row -> CatalogedSubmission? in
                    guard let status = SubmissionRecord.Status(rawValue: row["status"]) else { return nil }
                    return CatalogedSubmission(
                        id: row["id"], status: status, source: row["source"], filesInPlace: row["filesInPlace"],
                        files: [])
                }
                let indexByID = Dictionary(uniqueKeysWithValues: submissions.enumerated().map { ($1.id, $0) })
                let files = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT f.submissionId, f.path, f.size, f.contentHash, i.headerDigest
                        FROM file f JOIN submission s ON s.id = f.submissionId
                        LEFT JOIN instance i ON i.id = f.instanceRowID
                        WHERE s.filesInPlace = 1 OR NOT EXISTS (
                            SELECT 1 FROM finding d
                            WHERE d.submissionId = f.submissionId AND d.code = 'duplicate-identical' AND d.path = f.path)
                        ORDER BY f.submissionId, f.path
                        """)
                while let row = try files.next() {
                    guard let index = indexByID[row["submissionId"]] else { continue }
                    submissions[index].files.append(
                        CatalogedFile(
                            path: row["path"], size: row["size"], contentHash: row["contentHash"],
                            headerDigest: row["headerDigest"]))
                }
                return submissions
            }
        } catch {
            throw CatalogError(error, context: "listing cataloged files")
        }
    }
}
