import DICOM
import Foundation
import StudyCatalog

/// `intake check`: the catalog against the disk. Every file the catalog expects is there with its
/// size and hash (the whole-content SHA-256 where it was taken at intake; the header digest for files
/// cataloged in place), and every file in the store and the quarantine is one the catalog knows.
public struct CatalogCheck: Sendable {
    /// One difference between the catalog and the disk.
    public struct Difference: Sendable, Hashable, Encodable {
        /// missing-file, size-mismatch, content-mismatch, missing-folder, unknown-file, unknown-folder.
        public var code: String
        public var path: String
        public var submissionId: String?
        public var message: String
    }

    /// What a check found.
    public struct Report: Sendable, Encodable {
        public var submissions = 0
        public var filesChecked = 0
        public var differences: [Difference] = []
    }

    let home: IntakeHome
    let catalog: any Catalog
    let reader = DICOMReader()

    public init(home: IntakeHome, catalog: any Catalog) throws(IntakeError) {
        self.home = home
        self.catalog = catalog
        do {
            try DICOMReader.checkEnvironment()
        } catch {
            throw IntakeError.environment("\(error)")
        }
    }

    /// Runs the check, hashing at most `jobs` files at a time.
    public func run(jobs: Int = DICOMReader.processorCount) async throws(IntakeError) -> Report {
        let submissions: [CatalogedSubmission]
        do {
            submissions = try await catalog.catalogedSubmissions()
        } catch {
            throw IntakeError.environment("\(error)")
        }
        var report = Report()
        report.submissions = submissions.count
        var work: [(submission: String, path: String, file: CatalogedFile)] = []
        var keptFolders: Set<String> = []
        for submission in submissions {
            let folder: String
            if submission.filesInPlace {
                folder = submission.source
            } else {
                folder =
                    (submission.status == .quarantined ? home.quarantinePath : home.storePath) + "/" + submission.id
                keptFolders.insert(folder)
                var isFolder: ObjCBool = false
                guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue
                else {
                    report.differences.append(
                        Difference(
                            code: "missing-folder", path: folder, submissionId: submission.id,
                            message: "the submission's folder is gone (\(submission.files.count) files)"))
                    continue
                }
                report.differences += unknownFiles(
                    in: folder, expected: submission, quarantined: submission.status == .quarantined)
            }
            work += submission.files.map { (submission.id, folder + "/" + $0.path, $0) }
        }
        report.filesChecked = work.count
        report.differences += await check(work, jobs: jobs)
        report.differences += unknownFolders(known: keptFolders)
        report.differences.sort { ($0.path, $0.code) < ($1.path, $1.code) }
        return report
    }

    private func check(_ work: [(submission: String, path: String, file: CatalogedFile)], jobs: Int) async
        -> [Difference]
    {
        await work.concurrentMap(width: jobs) { item in
            verify(item.file, at: item.path, submission: item.submission)
        }.compactMap { $0 }
    }

    /// Whether the file at `path` is the one cataloged: present, same size, same bytes.
    private func verify(_ file: CatalogedFile, at path: String, submission: String) -> Difference? {
        func difference(_ code: String, _ message: String) -> Difference {
            Difference(code: code, path: path, submissionId: submission, message: message)
        }
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            return difference("missing-file", "cataloged but not on disk")
        }
        guard Int64(status.st_size) == file.size else {
            return difference("size-mismatch", "\(status.st_size) bytes on disk, \(file.size) cataloged")
        }
        if let expected = file.contentHash {
            guard let hashed = try? ContentHasher.hash(fileAt: path) else {
                return difference("missing-file", "cannot be read")
            }
            if hashed.hash != expected {
                return difference("content-mismatch", "its SHA-256 differs from the catalog's")
            }
        } else if let expected = file.headerDigest {
            guard let header = try? reader.readHeader(at: path), header.headerDigest == expected else {
                return difference("content-mismatch", "its header differs from the catalog's")
            }
        }
        return nil
    }

    /// Files below a kept folder that the catalog does not list (a quarantine's REPORT.json is known).
    private func unknownFiles(in folder: String, expected: CatalogedSubmission, quarantined: Bool) -> [Difference] {
        var known = Set(expected.files.map(\.path))
        if quarantined { known.insert("REPORT.json") }
        guard let scan = try? MediaScan(root: folder) else { return [] }
        return scan.entries.filter { !known.contains($0.relativePath) }.map {
            Difference(
                code: "unknown-file", path: folder + "/" + $0.relativePath, submissionId: expected.id,
                message: "on disk but not in the catalog")
        }
    }

    /// Folders in the store or the quarantine that no submission owns (work folders of a running
    /// ingest, `.staging-` and `.moving-`, and their locks are not submissions).
    private func unknownFolders(known: Set<String>) -> [Difference] {
        var differences: [Difference] = []
        for parent in [home.storePath, home.quarantinePath] {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where !name.hasPrefix(".")
            {
                let path = parent + "/" + name
                if !known.contains(path) {
                    differences.append(
                        Difference(
                            code: "unknown-folder", path: path, submissionId: nil,
                            message: "no accepted or quarantined submission owns it"))
                }
            }
        }
        return differences
    }
}
