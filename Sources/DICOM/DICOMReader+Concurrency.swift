#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension DICOMReader {
    /// The number of processors online: the default width of parallel reads.
    public static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Reads many headers (below `folder` when given), at most `maxConcurrentReads` at a time;
    /// results are in the order of `paths`.
    public func readHeaders(
        at paths: [String], in folder: Folder? = nil, maxConcurrentReads: Int = DICOMReader.processorCount
    ) async -> [Result<DICOMHeader, DICOMReadError>] {
        var results = [Result<DICOMHeader, DICOMReadError>?](repeating: nil, count: paths.count)
        await withTaskGroup(of: (Int, Result<DICOMHeader, DICOMReadError>).self) { group in
            var next = 0
            func startNext() {
                guard next < paths.count else { return }
                let index = next
                next += 1
                group.addTask {
                    do throws(DICOMReadError) {
                        return (index, .success(try readHeader(at: paths[index], in: folder)))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, maxConcurrentReads) { startNext() }
            for await (index, result) in group {
                results[index] = result
                startNext()
            }
        }
        return results.map { $0! }
    }
}
