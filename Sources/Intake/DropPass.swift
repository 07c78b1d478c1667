import DICOM
import Foundation
import Synchronization

/// The one pass over a drop's files that ingest and validate make: each file kept (copied into the
/// staging folder and hashed, hashed where it lies, or only read) and its header read, at most
/// `jobs` files at a time. A file is read once from the drop; a copy's header is read back from the
/// copy just written (from the page cache), never its pixel data.
struct DropPass: Sendable {
    /// What happens to each file's bytes.
    enum Keeping: Sendable {
        /// Nothing: only its header is read (`ingest --in-place`, `validate`).
        case readHeaderOnly
        /// Hashed whole where it lies (an inbox claim the intake takes over into the store).
        case hashInPlace
        /// Copied below this folder, hashed while copying (the caller syncs the folder's file system).
        case copy(into: String)
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
    let jobs: Int

    /// Runs the pass over `files`; results in their order. The first failure to keep a file (a full
    /// disk, a file that keeps changing) stops the pass and is thrown; an unreadable header is a
    /// result, not a failure.
    func run(
        _ files: [MediaScan.Entry], progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws(IntakeError) -> [Result] {
        // `jobs` workers, each taking the next file until none is left or one has failed: a task
        // per worker, not per file.
        let queue = WorkQueue()
        let outcomes = await withTaskGroup(of: [(Int, Swift.Result<Result, IntakeError>)].self) { group in
            for _ in 0..<max(1, min(jobs, files.count)) {
                group.addTask {
                    var taken: [(Int, Swift.Result<Result, IntakeError>)] = []
                    while let index = queue.state.withLock({ state -> Int? in
                        guard state.next < files.count, !state.failed else { return nil }
                        state.next += 1
                        return state.next - 1
                    }) {
                        let outcome = keep(files[index])
                        taken.append((index, outcome))
                        let done = queue.state.withLock { state in
                            if case .failure = outcome { state.failed = true }
                            state.done += 1
                            return state.done
                        }
                        progress?(done - 1, files.count)
                    }
                    return taken
                }
            }
            var all: [(Int, Swift.Result<Result, IntakeError>)] = []
            for await taken in group { all += taken }
            return all
        }
        var results = [Result?](repeating: nil, count: files.count)
        var failure: (index: Int, error: IntakeError)?
        for (index, outcome) in outcomes {
            switch outcome {
            case .success(let result): results[index] = result
            case .failure(let error): if failure == nil || index < failure!.index { failure = (index, error) }
            }
        }
        if let failure { throw failure.error }
        return results.map { $0! }
    }

    private func keep(_ entry: MediaScan.Entry) -> Swift.Result<Result, IntakeError> {
        do throws(IntakeError) {
            switch keeping {
            case .readHeaderOnly:
                var result = read(entry.relativePath, beneath: scan.root)
                result.file.size = (try? result.header.get().fileSize) ?? Int64(entry.size)
                return .success(result)
            case .hashInPlace:
                let hashed = try ContentHasher.hash(entry.relativePath, in: scan)
                var result = read(entry.relativePath, beneath: scan.root)
                result.file.size = hashed.size
                result.file.contentHash = hashed.hash
                return .success(result)
            case .copy(let root):
                let destination = root + "/" + entry.relativePath
                try IntakeHome.makeOwnerOnlyFolder((destination as NSString).deletingLastPathComponent)
                let copied = try ContentHasher.copy(entry.relativePath, in: scan, to: destination)
                var result = read(entry.relativePath, beneath: root)
                result.file.size = copied.size
                result.file.contentHash = copied.hash
                return .success(result)
            }
        } catch {
            return .failure(error)
        }
    }

    /// The header of one file (and a DICOMDIR's records), as a result whatever happens.
    private func read(_ relativePath: String, beneath root: String) -> Result {
        let file = Ingester.StoredFile(relativePath: relativePath, size: 0, contentHash: nil)
        do throws(DICOMReadError) {
            let (header, directory) = try reader.readFile(at: relativePath, beneath: root)
            return Result(file: file, header: .success(header), directory: directory)
        } catch {
            return Result(file: file, header: .failure(error), directory: nil)
        }
    }
}

/// Which file a worker of a `DropPass` takes next, how many are done, and whether one failed.
private final class WorkQueue: Sendable {
    let state = Mutex((next: 0, done: 0, failed: false))
}

extension [DropPass.Result] {
    /// The DICOMDIRs read in the pass, by path below the drop.
    var directories: [String: DICOMDirectory] {
        var byPath: [String: DICOMDirectory] = [:]
        for result in self {
            if let directory = result.directory { byPath[result.file.relativePath] = directory }
        }
        return byPath
    }
}
