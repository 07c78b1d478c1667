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
        await paths.concurrentMap(width: maxConcurrentReads) { path in
            do throws(DICOMReadError) {
                return .success(try readHeader(at: path, in: folder))
            } catch {
                return .failure(error)
            }
        }
    }
}
