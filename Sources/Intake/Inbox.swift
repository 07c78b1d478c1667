import Crypto
import DICOM
import Foundation
import Logging
import ServiceLifecycle
import StudyCatalog
import Synchronization

/// The inbox protocol of DESIGN.md: each top-level folder is one drop; it is ready when it holds
/// `READY`, or when two listings `settle` apart are identical and hold no file still being copied.
/// A top-level archive (.zip, .iso, .tar, .tar.gz, .7z, by content) is a drop too: ready when
/// `NAME.READY` stands beside it, or when its size and modification time held for `settle`. Any
/// other top-level file is logged once and left alone.
///
/// A ready drop is claimed by renaming it into `<inbox>/.processing/<submission-id>--<name>`: a
/// rename is atomic, so of two watchers on one inbox exactly one gets it. It is then read where it
/// is, cataloged under that submission id, and moved into `store/<id>` (or `quarantine/<id>`). A
/// claim left by a crash is resolved by the next watcher: moved on when the catalog has its
/// submission, renamed back into the inbox (to be done again) when it has not. Every drop thus ends in the
/// catalog once, or is still in the inbox; no file is lost. A watcher holds an exclusive `flock` on
/// `<submission-id>.lock` from before the rename until the claim is gone, so another watcher only
/// recovers claims whose owner has died (the kernel drops the lock with the process).
public final class Inbox: Sendable {
    public let path: String
    let ingester: Ingester
    let logger = Logger(label: "studyintake.inbox")
    /// Drop names seen waiting, so that each is logged as received once.
    private let seen = SeenNames()
    /// Where staff read what became of each drop.
    let shelf: ReceiptShelf
    /// Top-level files that are no drop, so that each is logged once.
    private let leftAlone = SeenNames()
    /// Drops the daemon may not move, so that each is logged once.
    private let cannotTake = SeenNames()
    /// Drops that could not be taken in, and when to try each again (a full disk or a busy catalog
    /// is not retried in a tight loop).
    private let backoff = RetryBackoff()

    static let claimFolder = ".processing"
    static let readyMarker = "READY"

    /// Refuses an inbox that overlaps the home (inside it, its store or its quarantine, or holding
    /// it), and one that another catalog's watcher marked first; marks it as this catalog's when
    /// nobody has.
    public init(path: String, ingester: Ingester) throws(IntakeError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw IntakeError.environment("no inbox folder at \(path)")
        }
        let inbox = Self.canonical(path)
        let home = Self.canonical(ingester.home.path)
        if inbox == home || inbox.hasPrefix(home + "/") || home.hasPrefix(inbox + "/") {
            throw IntakeError.environment(
                "the inbox \(path) overlaps the intake's home \(ingester.home.path), where its store and quarantine "
                    + "are: give an inbox outside the home")
        }
        self.path = path
        self.ingester = ingester
        shelf = ReceiptShelf(inbox: path)
        try IntakeHome.makeOwnerOnlyFolder(claimsPath)
        try markOwner()
    }

    var claimsPath: String { path + "/" + Self.claimFolder }

    /// The file naming the catalog an inbox belongs to: a drop is taken into one catalog only, so
    /// two watchers of one inbox with different catalogs would split its drops between them.
    static let ownerMarker = ".intake-catalog"

    /// The path with links and `..` resolved, as far as it exists.
    private static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return (path as NSString).standardizingPath }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Writes this catalog's location into the inbox's owner marker, unless it is there already;
    /// refuses when it names another catalog. The first of two watchers starting at once creates
    /// it (O_EXCL); the other reads it.
    private func markOwner() throws(IntakeError) {
        let location = ingester.catalog.location
        let owner = location.hasPrefix("postgres") ? location : Self.canonical(location)
        let marker = path + "/" + Self.ownerMarker
        let descriptor = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o640)
        if descriptor >= 0 {
            let written = Array((owner + "\n").utf8).withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            let synced = fsync(descriptor) == 0
            close(descriptor)
            guard written == owner.utf8.count + 1, synced else {
                unlink(marker)
                throw IntakeError.environment("cannot write \(marker): \(String(cString: strerror(errno)))")
            }
            return
        }
        guard errno == EEXIST else {
            throw IntakeError.environment("cannot write \(marker): \(String(cString: strerror(errno)))")
        }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: marker)) else {
            throw IntakeError.environment("cannot read \(marker)")
        }
        let marked = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard marked == owner else {
            throw IntakeError.environment(
                "the inbox \(path) belongs to the catalog \(marked), not \(owner): one inbox feeds one catalog "
                    + "(if the inbox was moved to this catalog on purpose, delete \(marker))")
        }
    }

    /// What one listing of a drop showed.
    public struct Listing: Equatable, Sendable {
        var files: [String: [Double]]
        var hasReadyMarker: Bool
        var hasFilesInProgress: Bool

        /// When its newest file last changed (an archive's, its own), in seconds since 1970; 0
        /// for an empty folder.
        var newestModification: TimeInterval { files.values.map { $0[1] }.max() ?? 0 }

        /// Ready on `READY`, or when nothing changed since `earlier`, nothing is being copied, and
        /// there is something to take (a folder just made is not a finished copy).
        func isReady(after earlier: Listing?) -> Bool {
            if hasReadyMarker { return true }
            return !files.isEmpty && !hasFilesInProgress && earlier == self
        }
    }

    /// A drop's name as logged and printed: staff may name folders after patients, so logs and
    /// standard output carry the first eight hex digits of its SHA-256 instead.
    public static func tag(_ name: String) -> String {
        String(SHA256.hash(data: Data(name.utf8)).hexadecimal.prefix(8))
    }

    /// The drops now in the inbox: top-level folders and archives, not hidden, not in-progress
    /// names, not `NAME.READY` markers, not the receipts folder.
    public func dropNames() -> [String] {
        topLevelEntries().drops
    }

    /// The inbox's top-level entries: the drops, and the other files, which are no drop (each
    /// logged once, by its name's hash, and left alone).
    func topLevelEntries() -> (drops: [String], strays: [String]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var drops: [String] = []
        var strays: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") && !Self.isInProgress(name) {
            var status = stat()
            guard lstat(path + "/" + name, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR where name == ReceiptShelf.folderName:
                continue
            case S_IFDIR:
                drops.append(name)
            case S_IFREG where name.hasSuffix("." + Self.readyMarker):
                continue
            case S_IFREG where ArchiveDrop.isArchive(path: path + "/" + name):
                drops.append(name)
            default:
                if leftAlone.insert(name) {
                    logger.warning(
                        "a top-level entry that is neither a folder nor an archive; left alone",
                        metadata: ["entry": "\(Self.tag(name))"])
                }
                strays.append(name)
            }
        }
        return (drops, strays)
    }

    /// Whether the drop `name` is an archive file rather than a folder.
    func isArchiveDrop(_ name: String) -> Bool {
        var status = stat()
        return lstat(path + "/" + name, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Lists one top-level entry; nil when it vanished. Anything but a folder (an archive, a stray
    /// file) lists as itself: its size and time.
    public func listing(of name: String) -> Listing? {
        var status = stat()
        guard lstat(path + "/" + name, &status) == 0 else { return nil }
        if (status.st_mode & S_IFMT) != S_IFDIR {
            let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
            return Listing(
                files: [name: [Double(status.st_size), modified]],
                hasReadyMarker: FileManager.default.fileExists(atPath: path + "/" + name + "." + Self.readyMarker),
                hasFilesInProgress: false)
        }
        guard let scan = try? MediaScan(root: path + "/" + name) else { return nil }
        var files: [String: [Double]] = [:]
        var inProgress = false
        for entry in scan.entries {
            files[entry.relativePath] = [Double(entry.size), entry.modificationTime]
            let fileName = entry.relativePath.split(separator: "/").last.map(String.init) ?? entry.relativePath
            if Self.isInProgress(fileName) || Self.isRsyncTemporary(fileName) { inProgress = true }
        }
        return Listing(files: files, hasReadyMarker: files[Self.readyMarker] != nil, hasFilesInProgress: inProgress)
    }

    /// `name.partial`, `name.tmp`: a copy under way.
    static func isInProgress(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".partial") || lower.hasSuffix(".tmp")
    }

    /// rsync writes `.name.XXXXXX` and renames it when done.
    static func isRsyncTemporary(_ name: String) -> Bool {
        guard name.hasPrefix("."), let dot = name.lastIndex(of: "."), dot != name.startIndex else { return false }
        let suffix = name[name.index(after: dot)...]
        return suffix.count == 6 && suffix.allSatisfy { $0.isLetter || $0.isNumber }
    }

    /// One pass: lists every drop, waits `settle`, lists again, and takes in each drop that is
    /// ready. A ready drop whose DICOMDIR lists files that are not there yet keeps waiting; once its
    /// newest file is older than `incompleteTimeout`, it is taken in as it is, held as `incomplete`.
    /// Returns the receipts of the drops taken in by this watcher, and how many drops are still
    /// waiting (being copied, or missing files their DICOMDIR lists).
    public func processReadyDrops(
        settle: Duration, incompleteTimeout: TimeInterval = 30 * 60, reportWaitingAfter: TimeInterval = 10 * 60,
        options: Ingester.Options = .init()
    ) async throws(IntakeError) -> (receipts: [Receipt], waiting: Int) {
        try await recoverClaims()
        var first: [String: Listing] = [:]
        for name in dropNames() { first[name] = listing(of: name) }
        if first.values.contains(where: { !$0.hasReadyMarker }) {
            await Self.sleepUnlessShuttingDown(for: settle)
        }
        var receipts: [Receipt] = []
        var waiting = 0
        let entries = topLevelEntries()
        // Staff learn why a drop waits, where they work, once it has waited `reportWaitingAfter`.
        var reasons: [String: ReceiptLetter.WaitingReason] = [:]
        for name in entries.strays { reasons[name] = .notADisc }
        defer { fileWaitingLetters(reasons, present: entries.drops + entries.strays, after: reportWaitingAfter) }
        for name in entries.drops where backoff.isDue(name) {
            // SIGTERM or SIGINT: the drop in hand has finished; nothing new is claimed.
            if Task.isShuttingDownGracefully { break }
            if seen.insert(name) { logger.info("received", metadata: ["drop": "\(Self.tag(name))"]) }
            guard let now = listing(of: name), now.isReady(after: first[name]) else {
                reasons[name] = .stillCopying
                waiting += 1
                continue
            }
            var dropOptions = options
            let missing = missingReferences(in: name)
            if !missing.isEmpty {
                guard Date().timeIntervalSince1970 - now.newestModification >= incompleteTimeout else {
                    logger.debug("waiting for files its DICOMDIR lists", metadata: ["missing": "\(missing.count)"])
                    reasons[name] = .missingFiles(count: missing.count, heldAfter: incompleteTimeout)
                    waiting += 1
                    continue
                }
                dropOptions.findings.append(SubmissionRecord.Finding(
                    severity: .error, code: "incomplete",
                    message:
                        "\(missing.count) files the DICOMDIR lists did not arrive within \(Int(incompleteTimeout)) s, "
                        + "e.g. \(missing[0])"))
            }
            switch try await take(name, options: dropOptions) {
            case .taken(let receipt): receipts.append(receipt)
            case .claimedElsewhere: break
            case .mayNotMove(let reason): reasons[name] = .mayNotMove(reason: reason)
            }
        }
        return (receipts, waiting)
    }

    /// Files a waiting letter for each entry that has waited `after`, counted from its newest
    /// change (a copy stalled, a stray file left), and takes back the letters of entries no longer
    /// in the inbox. Nothing is remembered between passes or runs: `watch --once` from cron writes
    /// the same letters as the daemon.
    private func fileWaitingLetters(
        _ reasons: [String: ReceiptLetter.WaitingReason], present: [String], after: TimeInterval
    ) {
        shelf.removeWaitingLetters(except: Set(present))
        for (name, reason) in reasons {
            guard let listed = listing(of: name) else { continue }
            let since = Date(timeIntervalSince1970: listed.newestModification)
            guard Date().timeIntervalSince(since) >= after else { continue }
            do {
                try shelf.fileWaiting(
                    ReceiptLetter(waiting: name, since: since, reason: reason, tag: Self.tag(name)), dropName: name)
            } catch {
                logger.warning(
                    "cannot file a waiting letter", metadata: ["drop": "\(Self.tag(name))", "error": "\(error)"])
            }
        }
    }

    /// Sleeps `duration`, or less when a graceful shutdown (SIGTERM, SIGINT) begins: a daemon told to
    /// stop does not wait out a settle.
    static func sleepUnlessShuttingDown(for duration: Duration) async {
        let deadline = ContinuousClock.now + duration
        while ContinuousClock.now < deadline, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: min(.milliseconds(50), deadline - ContinuousClock.now))
        }
    }

    /// The DICOMDIR references of a drop that name no file on it (as written, `\`-joined).
    func missingReferences(in name: String) -> [String] {
        // An archive arrives whole or not at all: its DICOMDIR is checked when it is read.
        guard !isArchiveDrop(name), let scan = try? MediaScan(root: path + "/" + name) else { return [] }
        var missing: [String] = []
        for dicomdir in scan.dicomdirPaths {
            guard let directory = try? ingester.reader.readDirectory(at: dicomdir, in: scan.folder) else { continue }
            directory.forEachRecord { record in
                guard let fileID = record.referencedFileID,
                    scan.resolve(referencedFileID: fileID, fromDICOMDIRAt: dicomdir) == .missing
                else { return }
                missing.append(fileID.joined(separator: "\\"))
            }
        }
        return missing
    }

    /// What became of a drop the pass tried to take.
    enum Taking {
        case taken(Receipt)
        /// Another watcher claimed it first, or it could not be taken in now (logged, retried later).
        case claimedElsewhere
        /// The service may not move it out of the inbox, for this reason.
        case mayNotMove(String)
    }

    /// Claims and ingests one drop, and files its receipt for staff.
    func take(_ name: String, options: Ingester.Options) async throws(IntakeError) -> Taking {
        let id = Ingester.makeSubmissionID()
        let claim = claimsPath + "/" + id + "--" + name
        let lock = try ExclusiveFileLock(path: claimsPath + "/" + id + ".lock", wait: true)
        defer { lock.release() }
        let isArchive = isArchiveDrop(name)
        if !isArchive { Self.takeOwnership(of: path + "/" + name) }
        guard rename(path + "/" + name, claim) == 0 else {
            // Gone: another watcher claimed it first. Anything else is a drop this daemon cannot
            // take, said (never silence), and tried again later.
            let code = errno
            guard code != ENOENT else { return .claimedElsewhere }
            cannotClaim(name, errno: code)
            return .mayNotMove(String(cString: strerror(code)))
        }
        seen.remove(name)
        if isArchive { unlink(path + "/" + name + "." + Self.readyMarker) }
        logger.info("ready and claimed", metadata: ["drop": "\(Self.tag(name))", "submission": "\(id)"])
        var claimed = options
        claimed.takeOver = true
        claimed.submissionID = id
        claimed.source = path + "/" + name
        switch isArchive ? .absent : SubmissionForm.read(inDropAt: claim) {
        case .form(let form):
            claimed.form = form
            claimed.note = form.note ?? options.note
            claimed.priority = form.priority ?? options.priority
        case .unreadable(let finding):
            claimed.findings.append(finding)
        case .absent:
            break
        }
        do {
            let receipt = try await ingester.ingest(drop: claim, options: claimed)
            backoff.succeeded(name)
            do {
                try shelf.file(ReceiptLetter(receipt: receipt, dropName: name), dropName: name, submissionId: id)
            } catch {
                logger.warning("cannot file the receipt", metadata: ["submission": "\(id)", "error": "\(error)"])
            }
            return .taken(receipt)
        } catch {
            // Not taken in (a full disk, a busy catalog, a file that kept changing): unless the
            // catalog has it already (then the next pass finishes the move), the drop goes back to
            // the inbox untouched, to be tried again. The daemon goes on with the other drops.
            logger.error(
                "not taken in; returned to the inbox",
                metadata: [
                    "drop": "\(Self.tag(name))", "submission": "\(id)",
                    // The drop's folder name may be a patient's: only its tag goes to the log.
                    "error": "\(Self.withoutDropName("\(error)", name))",
                ])
            // Back only when the catalog surely lacks it; when it cannot say (the database is
            // unreachable), the claim stays and the next recovery decides.
            if case .some(.none) = try? await ingester.catalog.submissionStatus(id) {
                rename(claim, returnPath(for: name, id: id))
            }
            backoff.failed(name)
            return .claimedElsewhere
        }
    }

    /// Makes the service the owner of a ready drop folder staff copied in under their own account
    /// (a folder moves to another parent only when its owner may write it), every entry below it
    /// too, none through a link: possible with CAP_CHOWN, which the unit grants and systemd's
    /// ProtectSystem confines to the inbox and the home. Without it, nothing changes, and a folder
    /// the service may not write is said by `cannotClaim`.
    static func takeOwnership(of folder: String) {
        var status = stat()
        guard lstat(folder, &status) == 0, status.st_uid != geteuid() else { return }
        guard lchown(folder, geteuid(), getegid()) == 0 else { return }
        for entry in (try? FileManager.default.subpathsOfDirectory(atPath: folder)) ?? [] {
            lchown(folder + "/" + entry, geteuid(), getegid())
        }
    }

    /// Logs, once per drop, why it could not be claimed and what fixes it, and backs off.
    private func cannotClaim(_ name: String, errno code: Int32) {
        backoff.failed(name)
        guard cannotTake.insert(name) else { return }
        let reason = String(cString: strerror(code))
        let fix =
            code == EACCES || code == EPERM
            ? "a folder staff copied in under their own account moves only when the service may take it over: "
                + "run the service with AmbientCapabilities=CAP_CHOWN as Scripts/intake-watch.service does "
                + "(or have staff copy with umask 002 into the setgid inbox); it is tried again"
            : "see that the drop is on the inbox's file system and not in use; it is tried again"
        logger.warning(
            "cannot move the drop out of the inbox; it waits", metadata: ["drop": "\(Self.tag(name))", "reason": "\(reason)", "fix": "\(fix)"])
    }

    /// An error's text with the drop's name, where it appears in a path (`/NAME`, a claim's
    /// `--NAME`), replaced by its tag: a short name (`ct`) elsewhere in the words stays as it is.
    static func withoutDropName(_ text: String, _ name: String) -> String {
        text.replacingOccurrences(of: "/" + name, with: "/" + tag(name))
            .replacingOccurrences(of: "--" + name, with: "--" + tag(name))
    }

    /// Where an unfinished claim goes back to: its own name, or, when staff have since put a
    /// folder of that name in the inbox, the name with the claim's id.
    private func returnPath(for name: String, id: String) -> String {
        let original = path + "/" + name
        return FileManager.default.fileExists(atPath: original) ? original + "-" + id : original
    }

    /// Resolves claims a crash left: done ones are removed, unfinished ones go back to the inbox.
    private func recoverClaims() async throws(IntakeError) {
        let claims = (try? FileManager.default.contentsOfDirectory(atPath: claimsPath)) ?? []
        ExclusiveFileLock.removeAbandoned(in: claimsPath) { id in
            claims.first { $0.hasPrefix(id + "--") }.map { self.claimsPath + "/" + $0 } ?? ""
        }
        for claim in claims where !claim.hasSuffix(".lock") {
            guard let separator = claim.range(of: "--") else { continue }
            let id = String(claim[..<separator.lowerBound])
            let name = String(claim[separator.upperBound...])
            let claimPath = claimsPath + "/" + claim
            // A live watcher holds the claim's lock: leave it alone.
            guard let lock = try? ExclusiveFileLock(path: claimsPath + "/" + id + ".lock", wait: false) else {
                continue
            }
            defer { lock.release() }
            // Finished by its owner between our listing and our lock.
            guard FileManager.default.fileExists(atPath: claimPath) else { continue }
            do {
                if let status = try await ingester.catalog.submissionStatus(id) {
                    // Cataloged, not yet moved: finish the move.
                    let home = ingester.home
                    let folder = (status == .quarantined ? home.quarantinePath : home.storePath) + "/" + id
                    if FileManager.default.fileExists(atPath: folder) {
                        try FileManager.default.removeItem(atPath: claimPath)
                    } else {
                        try await ingester.finishKeeping(claimPath, id: id, status: status, report: nil)
                        try ingester.moveTakenOver(claimPath, to: folder)
                    }
                    logger.notice("finished a claim already cataloged", metadata: ["submission": "\(id)"])
                } else if rename(claimPath, returnPath(for: name, id: id)) == 0 {
                    logger.notice("returned an unfinished claim to the inbox", metadata: ["submission": "\(id)"])
                } else {
                    throw IntakeError.environment(
                        "cannot return claim \(id) to the inbox: \(String(cString: strerror(errno)))")
                }
            } catch let error as IntakeError {
                throw error
            } catch {
                throw IntakeError.environment("cannot recover claim \(id): \(error)")
            }
        }
    }
}

/// The set of drop names a watcher has logged as received.
private final class SeenNames: @unchecked Sendable {
    private let lock = NSLock()
    private var names: Set<String> = []

    /// True when `name` was not seen before.
    func insert(_ name: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return names.insert(name).inserted
    }

    func remove(_ name: String) {
        lock.lock()
        defer { lock.unlock() }
        names.remove(name)
    }
}

/// When a drop that failed may be tried again: after 5 s, doubling with each failure up to 10 min.
private final class RetryBackoff: Sendable {
    private let failures = Mutex<[String: (count: Int, due: Date)]>([:])

    func isDue(_ name: String) -> Bool {
        failures.withLock { $0[name].map { Date() >= $0.due } ?? true }
    }

    func failed(_ name: String) {
        failures.withLock { failures in
            let count = (failures[name]?.count ?? 0) + 1
            failures[name] = (count, Date().addingTimeInterval(min(600, 5 * pow(2, Double(count - 1)))))
        }
    }

    func succeeded(_ name: String) {
        failures.withLock { $0[name] = nil }
    }
}
