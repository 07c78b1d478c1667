import DICOM
import Foundation
import Synchronization

/// The one pass over a drop's files that ingest and validate make: each file kept (copied into the
/// staging folder and hashed, hashed where it lies, or only read) and its header read, as many
/// files at a time as `reads` allows (shared with the other drops of the same command). A file is read once from the drop; a copy's header is read back from the
/// copy just written (from the page cache), never its pixel data.
struct DropPass: Sendable {
    /// What happens to each file's bytes.
    enum Keeping: Sendable {
        /// Nothing: only its header is read (`ingest --in-place`, `validate`).
        case readHeaderOnly
        /// Hashed whole where it lies (an inbox claim the intake takes over into the store).
        case hashInPlace
        /// Copied below this folder, hashed while copying (the caller syncs the folder's file system).
        case copy(into: Folder)
    }

    /// One file as kept, with its header or why it has none, and its record tree when it is a
    /// DICOMDIR.
    struct Result: Sendable {
        var file: Ingester.StoredFile
        var header: Swift.Result<DICOMHeader, DICOMReadError>
        var directory: DICOMDirectory?
    }

    let scan: MediaScan
    let reader: DICOMReader
    let keeping: Keeping
    let reads: ReadPermits
    /// This drop's turn to read, in a batch of drops: taken before the first file is read, ended as
    /// soon as the last file is taken, so the next drop's reads follow on without a gap.
    let readTurn: DropBatch.Turn?

    /// Runs the pass over `files`, handing each result to `body` in the files' order (the files
    /// named DICOMDIR last) as soon as it and those before it are done: a header is held only until
    /// it is consumed, not for the whole disc. Returns the DICOMDIRs read, by path. The first
    /// failure to keep a file (a full disk, a file that keeps changing) stops the pass and is
    /// thrown; an unreadable header is a result, not a failure.
    func run(
        _ files: [MediaScan.Entry], progress: (@Sendable (Int, Int) -> Void)? = nil, each body: (Result) -> Void
    ) async throws(IntakeError) -> [String: DICOMDirectory] {
        // Ended on the way out whatever happens; with nothing to read, without waiting for it.
        defer { readTurn?.end() }
        guard !files.isEmpty else { return [:] }
        await readTurn?.begin()
        // DICOMDIRs are read first, each in a batch of its own (the longest reads, started while
        // the other workers take the rest), and handed over last: the other files' results need
        // not wait for them, and the rules check them against every file.
        let (dicomdirs, others) = files.indices.reduce(into: ([Int](), [Int]())) { split, index in
            if DropListing.isNamedDICOMDIR(files[index].relativePath) {
                split.0.append(index)
            } else {
                split.1.append(index)
            }
        }
        let readingOrder = dicomdirs + others
        let handingOrder = others + dicomdirs
        let queue = WorkQueue()
        let workers = min(reads.limit, files.count)
        // Files a worker takes at once and hands over together: a hand-over wakes the consumer, so
        // one per file cost as much as a tenth of a file's read; a few per worker keep them even.
        let batch = max(1, min(Self.maxBatch, files.count / (4 * workers)))
        let (stream, continuation) = AsyncStream.makeStream(of: Batch.self)
        var directories: [String: DICOMDirectory] = [:]
        var failure: IntakeError?
        await withTaskGroup(of: Void.self) { group in
            // Workers, each taking the next files (once a read is free) until none is left or one
            // has failed: a task per worker, not per file.
            for _ in 0..<workers {
                group.addTask {
                    // One chunk for all the files this worker copies or hashes.
                    let buffer = ContentHasher.Buffer()
                    while true {
                        await reads.acquire()
                        guard let taken = queue.take(upTo: batch, below: files.count, aloneBelow: dicomdirs.count) else {
                            reads.release()
                            readTurn?.end()
                            break
                        }
                        var outcomes: [Swift.Result<Result, IntakeError>] = []
                        for position in taken {
                            outcomes.append(keep(files[readingOrder[position]], using: buffer))
                            if case .failure = outcomes.last { break }
                        }
                        reads.release()
                        let failed = if case .failure = outcomes.last { true } else { false }
                        let done = queue.finished(outcomes.count, failing: failed)
                        continuation.yield(Batch(taken: taken, outcomes: outcomes))
                        progress?(done - 1, files.count)
                        // Workers fill every thread of the pool: let the consumer in, so results
                        // do not pile up unconsumed.
                        await Task.yield()
                    }
                }
            }
            // Results arrive in any order; they leave in the handing order.
            var waiting: [Int: Result] = [:]
            var nextToConsume = 0
            var accounted = 0
            for await handed in stream {
                // Files taken after a failure in the same batch were never kept: accounted for,
                // never consumed (the pass stops at the failure).
                accounted += handed.taken.count
                // A failure stops the pass when it arrives: the files before it in the handing
                // order may not all have been taken.
                for (position, outcome) in zip(handed.taken, handed.outcomes) {
                    switch outcome {
                    case .success(let result): waiting[readingOrder[position]] = result
                    case .failure(let error): failure = failure ?? error
                    }
                }
                while failure == nil, nextToConsume < handingOrder.count,
                    let result = waiting.removeValue(forKey: handingOrder[nextToConsume])
                {
                    nextToConsume += 1
                    if let directory = result.directory { directories[result.file.relativePath] = directory }
                    body(result)
                }
                // All results are in, or a file failed and every batch taken before has reported.
                if accounted == files.count || (queue.hasFailed && accounted == queue.taken) { break }
            }
            continuation.finish()
        }
        if let failure { throw failure }
        return directories
    }

    /// Files one worker takes at once at most.
    static let maxBatch = 8

    /// Consecutive files (positions in the reading order) one worker took, and what became of
    /// them, in order: up to the first failure, when one failed.
    private struct Batch: Sendable {
        var taken: Range<Int>
        var outcomes: [Swift.Result<Result, IntakeError>]
    }

    private func keep(_ entry: MediaScan.Entry, using buffer: ContentHasher.Buffer) -> Swift.Result<Result, IntakeError> {
        do throws(IntakeError) {
            switch keeping {
            case .readHeaderOnly:
                var result = read(entry.relativePath, in: scan.folder)
                result.file.size = (try? result.header.get().fileSize) ?? Int64(entry.size)
                return .success(result)
            case .hashInPlace:
                let hashed = try ContentHasher.hash(entry.relativePath, in: scan, using: buffer)
                var result = read(entry.relativePath, in: scan.folder)
                result.file.size = hashed.size
                result.file.contentHash = hashed.hash
                return .success(result)
            case .copy(let root):
                let destination = root.path + "/" + entry.relativePath
                try IntakeHome.makeOwnerOnlyFolder((destination as NSString).deletingLastPathComponent)
                let copied = try ContentHasher.copy(entry.relativePath, in: scan, to: destination, using: buffer)
                var result = read(entry.relativePath, in: root)
                result.file.size = copied.size
                result.file.contentHash = copied.hash
                return .success(result)
            }
        } catch {
            return .failure(error)
        }
    }

    /// The header of one file (and a DICOMDIR's records), as a result whatever happens.
    private func read(_ relativePath: String, in folder: Folder) -> Result {
        let file = Ingester.StoredFile(relativePath: relativePath, size: 0, contentHash: nil)
        do throws(DICOMReadError) {
            let (header, directory) = try reader.readFile(at: relativePath, in: folder)
            return Result(file: file, header: .success(header), directory: directory)
        } catch {
            return Result(file: file, header: .failure(error), directory: nil)
        }
    }
}

/// Which file a worker of a `DropPass` takes next, how many are done, and whether one failed.
private final class WorkQueue: Sendable {
    private let state = Mutex((next: 0, done: 0, failed: false))

    /// The positions of the next files, at most `batch` of them (one below `alone`), or nil when
    /// all are taken or a file failed.
    func take(upTo batch: Int, below count: Int, aloneBelow alone: Int) -> Range<Int>? {
        state.withLock { state in
            guard state.next < count, !state.failed else { return nil }
            let taken = state.next..<min(count, state.next < alone ? state.next + 1 : state.next + batch)
            state.next = taken.upperBound
            return taken
        }
    }

    /// Records `count` files done (and whether the last failed); returns how many are done.
    func finished(_ count: Int, failing: Bool) -> Int {
        state.withLock { state in
            if failing { state.failed = true }
            state.done += count
            return state.done
        }
    }

    /// How many files were taken: once a file has failed, no more are.
    var taken: Int { state.withLock { $0.next } }

    var hasFailed: Bool { state.withLock { $0.failed } }
}
