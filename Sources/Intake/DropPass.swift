import DICOM
import Foundation

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
        /// Copied below this folder, hashed while copying, fsynced.
        case copy(into: String)
    }

    /// One file as kept, with its header or why it has none.
    struct Result: Sendable {
        var file: Ingester.StoredFile
        var header: Swift.Result<DICOMHeader, DICOMReadError>
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
        var results = [Result?](repeating: nil, count: files.count)
        var failure: IntakeError?
        await withTaskGroup(of: (Int, Swift.Result<Result, IntakeError>).self) { group in
            var next = 0
            var done = 0
            func startNext() {
                guard next < files.count, failure == nil else { return }
                let index = next
                next += 1
                group.addTask { (index, keep(files[index])) }
            }
            for _ in 0..<max(1, jobs) { startNext() }
            for await (index, outcome) in group {
                switch outcome {
                case .success(let result): results[index] = result
                case .failure(let error): if failure == nil { failure = error }
                }
                done += 1
                progress?(done, files.count)
                startNext()
            }
        }
        if let failure { throw failure }
        return results.map { $0! }
    }

    private func keep(_ entry: MediaScan.Entry) -> Swift.Result<Result, IntakeError> {
        do throws(IntakeError) {
            switch keeping {
            case .readHeaderOnly:
                let header = read(entry.relativePath, beneath: scan.root)
                let size = (try? header.get().fileSize) ?? Int64(entry.size)
                let file = Ingester.StoredFile(relativePath: entry.relativePath, size: size, contentHash: nil)
                return .success(Result(file: file, header: header))
            case .hashInPlace:
                let hashed = try ContentHasher.hash(entry.relativePath, in: scan)
                let file = Ingester.StoredFile(
                    relativePath: entry.relativePath, size: hashed.size, contentHash: hashed.hash)
                return .success(Result(file: file, header: read(entry.relativePath, beneath: scan.root)))
            case .copy(let root):
                let destination = root + "/" + entry.relativePath
                try IntakeHome.makeOwnerOnlyFolder((destination as NSString).deletingLastPathComponent)
                let copied = try ContentHasher.copy(entry.relativePath, in: scan, to: destination)
                let file = Ingester.StoredFile(
                    relativePath: entry.relativePath, size: copied.size, contentHash: copied.hash)
                return .success(Result(file: file, header: read(entry.relativePath, beneath: root)))
            }
        } catch {
            return .failure(error)
        }
    }

    private func read(_ relativePath: String, beneath root: String) -> Swift.Result<DICOMHeader, DICOMReadError> {
        do throws(DICOMReadError) {
            return .success(try reader.readHeader(at: relativePath, beneath: root))
        } catch {
            return .failure(error)
        }
    }
}
