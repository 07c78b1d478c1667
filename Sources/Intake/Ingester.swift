import DICOM
import Foundation
import Logging
import StudyCatalog

/// Takes in one drop (a disc copied into a folder) as one submission: inventories every file, reads
/// every DICOM header once, checks the DICOMDIR against the disc, finds the spinal levels, writes
/// one catalog transaction, and keeps the files in the store.
///
/// Crash safety: files are copied into `store/.staging-<id>/` and synced to disk before the catalog
/// transaction, and the folder is renamed to `store/<id>/` after it. A staging folder left by an
/// interruption is finished (the catalog has the submission) or removed (it has not) by the next
/// `Ingester`, so the catalog never knows half a submission and the store never keeps a file the
/// catalog does not know.
public final class Ingester: Sendable {
    public let home: IntakeHome
    public let catalog: any Catalog
    let reader: DICOMReader
    let logger = Logger(label: "studyintake.intake")

    /// Prepares the home, then finishes or removes what an interrupted ingest left in its store.
    ///
    /// - Parameters:
    ///   - catalog: the home's catalog, or the shared one several hosts write.
    ///   - limits: what one file or one drop may cost to read; beyond, a `limit-exceeded` finding.
    public init(home: IntakeHome, catalog: any Catalog, limits: DICOMReader.Limits = DICOMReader.Limits())
        async throws(IntakeError)
    {
        self.home = home
        self.catalog = catalog
        try home.prepare()
        do {
            try DICOMReader.checkEnvironment()
        } catch {
            throw IntakeError.environment("\(error)")
        }
        reader = DICOMReader(limits: limits)
        try await recoverInterruptedIngests()
    }

    /// An ingester of `home` with the catalog at `location` (by default the home's own).
    public static func open(
        home: IntakeHome, catalog location: CatalogLocation? = nil, limits: DICOMReader.Limits = DICOMReader.Limits()
    ) async throws(IntakeError) -> Ingester {
        try home.prepare()
        let catalog = try await DICOMReader.preparingEnvironment { () async throws(IntakeError) in
            try await (location ?? .sqlite(path: home.catalogPath)).open()
        }
        return try await Ingester(home: home, catalog: catalog, limits: limits)
    }

    /// Options of one ingest.
    public struct Options: Sendable {
        public var note: String?
        public var priority: SubmissionRecord.Priority
        /// Index the files where they are instead of copying them into the store.
        public var inPlace: Bool
        /// How many files may be read at once: this drop's own, or shared by the drops of one batch.
        public var reads: ReadPermits
        /// Called with (files kept so far, files in the drop) as the copy or hashing goes on.
        public var progress: (@Sendable (Int, Int) -> Void)?
        /// The id to give the submission, when the caller chose it (the inbox names its claim after
        /// it); a fresh one otherwise.
        public var submissionID: String?
        /// Where the drop came from, when it is read from elsewhere (an inbox claim); the path read
        /// otherwise.
        public var source: String?
        /// What staff typed in the drop's `submission.json`: requester, and the patient to check the
        /// headers against.
        public var form: SubmissionForm?
        /// Findings about the drop found before ingest (an unreadable `submission.json`).
        public var findings: [SubmissionRecord.Finding] = []
        /// Files of the drop that are not part of the submission (a quarantine's own REPORT.json).
        public var ignoredPaths: Set<String> = []
        /// The drop is the intake's own (an inbox claim): read it where it is, then move it into the
        /// store or quarantine (a rename on one file system; copy, fsync, verify, delete across two).
        public var takeOver = false
        /// The submission replaces the quarantined entry of the same id (a retry).
        var replacing = false
        /// This drop's place in a batch whose reads take turns in the drops' order.
        var readTurn: DropBatch.Turn?
        /// This drop's place in a batch whose catalog transactions keep the drops' order.
        var commitTurn: DropBatch.Turn?

        public init(
            note: String? = nil, priority: SubmissionRecord.Priority = .routine, inPlace: Bool = false,
            reads: ReadPermits = ReadPermits(DICOMReader.processorCount),
            progress: (@Sendable (Int, Int) -> Void)? = nil
        ) {
            self.note = note
            self.priority = priority
            self.inPlace = inPlace
            self.reads = reads
            self.progress = progress
        }
    }

    /// Ingests the drop at `drop`, a folder or an archive. The drop itself is never changed; an
    /// inbox claim (`takeOver`) is taken over.
    public func ingest(drop given: String, options: Options = Options()) async throws(IntakeError) -> Receipt {
        let source = try DropSource.at(given, maxEntries: reader.limits.maxFilesPerSubmission)
        let drop = source.path
        let id = options.submissionID ?? Self.makeSubmissionID()
        let started = Date()
        let staging = home.storePath + "/.staging-" + id
        // Held until the staging folder is renamed or removed: another process's recovery skips it.
        let stagingLock = try ExclusiveFileLock(path: staging + ".lock", wait: true)
        defer { stagingLock.release() }
        var assembly = SubmissionAssembly(id: id, note: options.note, form: options.form, findings: options.findings)
        // A folder's files are copied into the staging folder unless they stay where they are; an
        // archive's entries are always unpacked there, next to a copy of the archive.
        let copying: Bool
        let overLimit: SubmissionRecord.Finding?
        do throws(IntakeError) {
            switch source {
            case .folder(let scan):
                copying = !options.inPlace && !options.takeOver
                overLimit = scan.exceedsEntryLimit ? SubmissionAssembly.fileLimitFinding(reader.limits) : nil
                try await passOverFolder(scan, staging: staging, copying: copying, overLimit: overLimit != nil,
                                         options: options, into: &assembly)
            case .archive(let path):
                guard !options.inPlace else {
                    throw IntakeError.unreadableDrop(
                        "\(path) is an archive: its entries are not files to catalog in place; ingest it without --in-place")
                }
                copying = true
                overLimit = try await passOverArchive(path, staging: staging, options: options, into: &assembly)
            }
            if copying { try ContentHasher.syncFileSystem(of: staging) }
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
        var record = assembly.record(
            receivedAt: started, source: options.source ?? drop, priority: options.priority,
            quarantineReason: overLimit)
        record.filesInPlace = options.inPlace
        let catalogFindings: [SubmissionRecord.Finding]
        let review: ReviewPlacement?
        await options.commitTurn?.begin()
        do {
            let recorded = try await catalog.record(
                record, duplicates: DuplicateRule(), outcome: OutcomeRule(), replacing: options.replacing)
            record.status = recorded.status
            catalogFindings = recorded.duplicateFindings
            review = recorded.review
            options.commitTurn?.end()
        } catch {
            options.commitTurn?.end()
            // Rolled back: the copy goes. Unless the catalog cannot say (a connection lost while
            // committing): then the staging folder stays, and the next start finishes or removes
            // it by what the catalog holds.
            if case .some(.none) = try? await catalog.submissionStatus(id) {
                try? FileManager.default.removeItem(atPath: staging)
            }
            throw IntakeError.environment("\(error)")
        }
        let finalFolder = (record.status == .quarantined ? home.quarantinePath : home.storePath) + "/" + id
        let receipt = assembly.receipt(
            record: record, catalogFindings: catalogFindings, review: review,
            storedAt: options.inPlace ? drop : finalFolder)
        if !options.inPlace {
            // The folder that becomes store/<id> or quarantine/<id>: our copy, or the drop taken over.
            let kept = copying ? staging : drop
            var report: Data?
            // A retry's findings replace the ones its quarantined entry had.
            if options.replacing { unlink(kept + "/REPORT.json") }
            if record.status == .quarantined {
                // What staff read to fix the drop: its findings, next to its files.
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                report = try? encoder.encode(receipt)
            }
            try await finishKeeping(kept, id: id, status: record.status, report: report)
            if copying {
                do {
                    try FileManager.default.moveItem(atPath: staging, toPath: finalFolder)
                } catch {
                    throw IntakeError.environment(
                        "cannot move \(staging) to \(finalFolder): \(error.localizedDescription)")
                }
                // An archive claimed from the inbox is kept as its copy in the store.
                if options.takeOver { unlink(drop) }
            } else {
                try moveTakenOver(drop, to: finalFolder)
            }
        }
        let errorCodes = Set(receipt.findings.filter { $0.severity == "error" }.map(\.code)).sorted()
        logger.info(
            record.status == .accepted ? "ingested" : "\(record.status.rawValue)",
            metadata: [
                "submission": "\(id)", "instances": "\(receipt.counts.instances)", "files": "\(receipt.counts.files)",
                "errors": "\(errorCodes.joined(separator: ","))",
                "seconds": "\(String(format: "%.2f", Date().timeIntervalSince(started)))",
            ])
        return receipt
    }

    /// Ingests several drops, as many at once as `reads` lets files be read at once (`DropBatch`),
    /// each with the options `options` gives for its path; their catalog transactions in the
    /// drops' order (`ingest A A` finds the second a duplicate of the first, as one after the
    /// other would). The outcomes in the drops' order.
    public func ingest(
        drops: [String], reads: ReadPermits, options: @escaping @Sendable (String) -> Options
    ) async -> [Result<Receipt, IntakeError>] {
        let reading = DropBatch.TurnOrder()
        let committing = DropBatch.TurnOrder()
        return await DropBatch.run(drops, reads: reads) { index, drop in
            var dropOptions = options(drop)
            dropOptions.reads = reads
            let readTurn = DropBatch.Turn(order: reading, index: index)
            let commitTurn = DropBatch.Turn(order: committing, index: index)
            dropOptions.readTurn = readTurn
            dropOptions.commitTurn = commitTurn
            // A drop that fails before reading or before its transaction still ends its turns.
            defer {
                readTurn.end()
                commitTurn.end()
            }
            do throws(IntakeError) {
                return .success(try await self.ingest(drop: drop, options: dropOptions))
            } catch {
                return .failure(error)
            }
        }
    }

    /// The pass over a folder drop: each file copied into `staging`, hashed where it lies, or only
    /// read (`DropPass`), its header added to `assembly`; then the DICOMDIR checks. Unread when the
    /// folder is over the file limit.
    private func passOverFolder(
        _ scan: MediaScan, staging: String, copying: Bool, overLimit: Bool, options: Options,
        into assembly: inout SubmissionAssembly
    ) async throws(IntakeError) {
        let keeping: DropPass.Keeping
        if copying {
            try IntakeHome.makeOwnerOnlyFolder(staging)
            keeping = .copy(into: try IntakeHome.openFolder(staging))
        } else {
            keeping = options.takeOver ? .hashInPlace : .readHeaderOnly
        }
        let pass = DropPass(
            scan: scan, reader: reader, keeping: keeping, reads: options.reads, readTurn: options.readTurn)
        let files = overLimit ? [] : scan.regularFiles.filter { !options.ignoredPaths.contains($0.relativePath) }
        var added = assembly
        added.reserveCapacity(forFiles: files.count)
        let directories = try await pass.run(files, progress: options.progress) {
            added.add(file: $0.file, header: $0.header)
        }
        if !overLimit { added.checkDirectories(of: scan.listing, directories: directories) }
        assembly = added
    }

    /// The pass over an archive drop: its entries unpacked into `staging` with the archive's copy
    /// (`ArchiveExtraction`), the headers read back from the unpacked files (`DropPass`), the
    /// archive's own findings, then the DICOMDIR checks against the archive's listing. Returns the
    /// finding that quarantines it when it holds more files than the limit.
    private func passOverArchive(
        _ path: String, staging: String, options: Options, into assembly: inout SubmissionAssembly
    ) async throws(IntakeError) -> SubmissionRecord.Finding? {
        try IntakeHome.makeOwnerOnlyFolder(staging)
        let extraction = try ArchiveExtraction(limits: reader.limits.archive).extract(path, into: staging)
        let unpacked: MediaScan
        do throws(DICOMReadError) {
            unpacked = try MediaScan(root: staging)
        } catch {
            throw IntakeError.environment(error.description)
        }
        let pass = DropPass(
            scan: unpacked, reader: reader, keeping: .readHeaderOnly, reads: options.reads, readTurn: options.readTurn)
        let files = unpacked.regularFiles.filter { $0.relativePath != extraction.original.relativePath }
        var added = assembly
        let overLimit = added.add(archiveIssues: extraction.outcome.issues)
        added.reserveCapacity(forFiles: files.count + 1)
        let directories = try await pass.run(files, progress: options.progress) { result in
            var file = result.file
            if let written = extraction.hashes[file.relativePath] {
                file.contentHash = written.hash
                file.size = written.size
            }
            added.add(file: file, header: result.header)
        }
        added.add(original: extraction.original)
        added.checkDirectories(of: extraction.outcome.listing, directories: directories)
        assembly = added
        return overLimit
    }

    /// A file of the drop as kept: where it is below the content root, its size, and the SHA-256 of
    /// all its bytes when they were all read.
    struct StoredFile: Sendable {
        var relativePath: String
        var size: Int64
        var contentHash: String?
    }

    /// Makes a kept folder hold what the catalog says it holds, once the submission is cataloged:
    /// links and special files a drop taken over held go, the files linked to an identical copy
    /// cataloged earlier are removed (not stored twice), empty folders go, and a quarantined
    /// submission gets its REPORT.json (`report`, or when recovering
    /// after a crash, its findings from the catalog). Idempotent: recovery runs it again.
    func finishKeeping(
        _ kept: String, id: String, status: SubmissionRecord.Status, report: Data?
    ) async throws(IntakeError) {
        Self.removeEntriesNeverStored(in: kept)
        let linked: [String]
        do {
            linked = try await catalog.linkedDuplicatePaths(id)
        } catch {
            throw IntakeError.environment("\(error)")
        }
        for path in linked { unlink(kept + "/" + path) }
        let folders = (try? FileManager.default.subpathsOfDirectory(atPath: kept)) ?? []
        for folder in folders.sorted(by: { $0.count > $1.count }) {
            rmdir(kept + "/" + folder)  // only empty folders go; files and full folders stay
        }
        let reportPath = kept + "/REPORT.json"
        guard status == .quarantined, !FileManager.default.fileExists(atPath: reportPath) else { return }
        var contents = report
        if contents == nil, let detail = try? await catalog.submissionDetail(id) {
            let findings = detail.findings.map {
                Receipt.Finding(
                    severity: $0.severity.rawValue, code: $0.code, message: $0.message, path: $0.path, uid: $0.uid)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            contents = try? encoder.encode(
                RecoveredReport(submissionId: id, status: status.rawValue, findings: findings))
        }
        guard let contents,
            FileManager.default.createFile(
                atPath: reportPath, contents: contents, attributes: [.posixPermissions: 0o600])
        else { throw IntakeError.environment("cannot write \(reportPath)") }
    }

    /// Removes from a kept folder what a drop taken over may hold besides regular files and folders:
    /// symbolic links, pipes and devices (never followed, never read, each a finding), and hard links
    /// (never read: another name may reach outside the drop) while another name of the file remains.
    /// The names go, never what they point to.
    private static func removeEntriesNeverStored(in folder: String) {
        guard let scan = try? MediaScan(root: folder) else { return }
        for entry in scan.entries where entry.kind != .regularFile {
            let path = folder + "/" + entry.relativePath
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            if (status.st_mode & S_IFMT) == S_IFREG && status.st_nlink < 2 { continue }
            unlink(path)
        }
    }

    /// The REPORT.json of a quarantined submission whose ingest was interrupted before writing it.
    private struct RecoveredReport: Encodable {
        var submissionId: String
        var status: String
        var findings: [Receipt.Finding]
    }

    /// Moves a drop the intake owns into its final folder, owner-only: a rename on one file system;
    /// across two, a verified copy into `store/.moving-<id>` renamed into place, then the drop
    /// deleted. A `.moving-` folder left by a crash is simply removed: the drop is still there and
    /// the move is done again.
    public func moveTakenOver(_ drop: String, to finalFolder: String) throws(IntakeError) {
        Self.restrictToOwner(drop)
        if rename(drop, finalFolder) == 0 { return }
        guard errno == EXDEV else {
            throw IntakeError.environment("cannot move \(drop) to \(finalFolder): \(String(cString: strerror(errno)))")
        }
        let moving = home.storePath + "/.moving-" + (finalFolder as NSString).lastPathComponent
        let lock = try ExclusiveFileLock(path: moving + ".lock", wait: true)
        defer { lock.release() }
        try? FileManager.default.removeItem(atPath: moving)
        guard let scan = try? MediaScan(root: drop) else { throw IntakeError.environment("cannot list \(drop)") }
        try IntakeHome.makeOwnerOnlyFolder(moving)
        let buffer = ContentHasher.Buffer()
        for entry in scan.regularFiles {
            let destination = moving + "/" + entry.relativePath
            try IntakeHome.makeOwnerOnlyFolder((destination as NSString).deletingLastPathComponent)
            let copied = try ContentHasher.copy(entry.relativePath, in: scan, to: destination, using: buffer)
            guard try ContentHasher.hash(fileAt: destination) == copied else {
                throw IntakeError.environment(
                    "the copy of \(entry.relativePath) in \(moving) does not match; not moved")
            }
        }
        do {
            try FileManager.default.moveItem(atPath: moving, toPath: finalFolder)
            try FileManager.default.removeItem(atPath: drop)
        } catch {
            throw IntakeError.environment("cannot move \(drop) to \(finalFolder): \(error.localizedDescription)")
        }
    }

    /// Folders 0700 and files 0600 below `root`: a drop staff copied in keeps their permissions.
    private static func restrictToOwner(_ root: String) {
        chmod(root, 0o700)
        for entry in (try? FileManager.default.subpathsOfDirectory(atPath: root)) ?? [] {
            let path = root + "/" + entry
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR: chmod(path, 0o700)
            case S_IFREG: chmod(path, 0o600)
            default: break
            }
        }
    }

    /// Finishes or removes what an interrupted ingest left in the store, and finishes the move of a
    /// retried submission that left the quarantine in the catalog but not yet on disk.
    private func recoverInterruptedIngests() async throws(IntakeError) {
        for id in (try? FileManager.default.contentsOfDirectory(atPath: home.quarantinePath)) ?? [] {
            guard let status = try? await catalog.submissionStatus(id), status != .quarantined,
                status != .retried,
                // A retry going on holds the lock of its staging name until it has moved the folder.
                let lock = try? ExclusiveFileLock(path: home.storePath + "/.staging-" + id + ".lock", wait: false)
            else { continue }
            defer { lock.release() }
            let folder = home.quarantinePath + "/" + id
            guard FileManager.default.fileExists(atPath: folder) else { continue }
            unlink(folder + "/REPORT.json")
            try moveTakenOver(folder, to: home.storePath + "/" + id)
            logger.notice("finished an interrupted retry", metadata: ["submission": "\(id)"])
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: home.storePath)) ?? []
        ExclusiveFileLock.removeAbandoned(in: home.storePath) { [home] staging in home.storePath + "/" + staging }
        for name in names where name.hasPrefix(".moving-") && !name.hasSuffix(".lock") {
            let moving = home.storePath + "/" + name
            guard let lock = try? ExclusiveFileLock(path: moving + ".lock", wait: false) else { continue }
            defer { lock.release() }
            try? FileManager.default.removeItem(atPath: moving)
        }
        for name in names where name.hasPrefix(".staging-") && !name.hasSuffix(".lock") {
            let id = String(name.dropFirst(".staging-".count))
            let staging = home.storePath + "/" + name
            // Another ingest, alive, holds the lock of its staging folder: leave it alone.
            guard let lock = try? ExclusiveFileLock(path: staging + ".lock", wait: false) else { continue }
            defer { lock.release() }
            // Finished by its owner between our listing and our lock.
            guard FileManager.default.fileExists(atPath: staging) else { continue }
            do {
                if let status = try await catalog.submissionStatus(id) {
                    let folder = status == .quarantined ? home.quarantinePath : home.storePath
                    try await finishKeeping(staging, id: id, status: status, report: nil)
                    try FileManager.default.moveItem(atPath: staging, toPath: folder + "/" + id)
                    logger.notice("finished an interrupted ingest", metadata: ["submission": "\(id)"])
                } else {
                    try FileManager.default.removeItem(atPath: staging)
                    logger.notice("removed an interrupted ingest", metadata: ["submission": "\(id)"])
                }
            } catch {
                throw IntakeError.environment("cannot recover \(staging): \(error)")
            }
        }
    }

    /// `YYYYMMDD-HHMMSS-` and six random hex digits: sortable by time, unique across hosts.
    public static func makeSubmissionID() -> String {
        let random = UUID().uuidString.filter { $0 != "-" }.prefix(6).lowercased()
        return UTCTime.format(Date(), "%Y%m%d-%H%M%S") + "-" + random
    }

    /// Puts a quarantined submission through the rules again, read where it is kept
    /// (`quarantine/<id>/`), as the same entry: its catalog rows are replaced in one transaction,
    /// and its folder moves into the store when it is no longer quarantined. For a drop that was
    /// refused for a reason since mended (a limit raised, a reader updated).
    public func retry(_ id: String, options: Options = Options()) async throws(IntakeError) -> Receipt {
        let folder = home.quarantinePath + "/" + id
        let detail: SubmissionDetail?
        do {
            detail = try await catalog.submissionDetail(id)
        } catch {
            throw IntakeError.environment("\(error)")
        }
        guard let detail else { throw IntakeError.unreadableDrop("there is no submission \(id)") }
        guard detail.status == .quarantined, detail.decision == nil else {
            let state = detail.decision?.kind.rawValue ?? detail.status.rawValue
            throw IntakeError.unreadableDrop(
                "submission \(id) is \(state): only a quarantined one is read again; a held one is released or dismissed")
        }
        var retry = options
        retry.submissionID = id
        retry.source = detail.source
        retry.note = detail.note
        retry.priority = detail.priority
        retry.takeOver = true
        retry.replacing = true
        retry.ignoredPaths.insert("REPORT.json")
        return try await ingest(drop: folder, options: retry)
    }
}
