#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Says what files and discs hold, header by header, without a catalog: the engine of
/// `intake inspect`.
public struct MediaInspector: Sendable {
    public var reader: DICOMReader
    public var maxConcurrentReads: Int

    public init(reader: DICOMReader = DICOMReader(), maxConcurrentReads: Int = DICOMReader.processorCount) {
        self.reader = reader
        self.maxConcurrentReads = maxConcurrentReads
    }

    /// For a file, its header; for a folder, every file below it (a content scan of every regular
    /// file, whatever its name) plus what its DICOMDIRs reference but is missing or leaves the disc;
    /// symbolic links are reported, never followed. Entries are sorted by path within each argument.
    public func inspect(paths: [String]) async -> [InspectionEntry] {
        var entries: [InspectionEntry] = []
        for given in paths {
            let path = MediaScan.withoutTrailingSlashes(given)
            var status = stat()
            if lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR {
                entries += await inspectFolder(path)
            } else {
                let result = Result { () throws(DICOMReadError) in try reader.readHeader(at: path) }
                entries.append(InspectionEntry(path: path, outcome: result))
            }
        }
        return entries
    }

    private func inspectFolder(_ root: String) async -> [InspectionEntry] {
        let scan: MediaScan
        do throws(DICOMReadError) {
            scan = try MediaScan(root: root)
        } catch {
            return [InspectionEntry(path: root, outcome: .failure(error))]
        }
        var entries: [InspectionEntry] = []
        let files = scan.regularFiles.map(\.relativePath)
        let results = await reader.readHeaders(at: files, in: scan.folder, maxConcurrentReads: maxConcurrentReads)
        for (file, result) in zip(files, results) {
            entries.append(InspectionEntry(path: scan.path(of: file), outcome: result))
        }
        for entry in scan.entries where entry.kind != .regularFile {
            let path = scan.path(of: entry.relativePath)
            let error =
                entry.kind == .symbolicLink
                ? DICOMReadError(code: .symlinkNotFollowed, path: path, detail: "")
                : DICOMReadError(code: .notRegularFile, path: path, detail: "")
            entries.append(InspectionEntry(path: path, outcome: .failure(error)))
        }
        for dicomdir in scan.dicomdirPaths {
            guard let directory = try? reader.readDirectory(at: dicomdir, in: scan.folder) else { continue }
            for record in directory.allRecords {
                guard let fileID = record.referencedFileID else { continue }
                let written = fileID.joined(separator: "\\")
                let shown = scan.path(of: dicomdir) + " → " + written
                switch scan.resolve(referencedFileID: fileID, fromDICOMDIRAt: dicomdir) {
                case .file, .symbolicLink, .hardLink:
                    continue
                case .missing:
                    let error = DICOMReadError(code: .listedButMissing, path: shown, detail: "")
                    entries.append(InspectionEntry(path: shown, outcome: .failure(error)))
                case .escapesMedia(let reason):
                    let error = DICOMReadError(code: .pathEscapesMedia, path: shown, detail: reason)
                    entries.append(InspectionEntry(path: shown, outcome: .failure(error)))
                }
            }
        }
        return entries.sorted { $0.path < $1.path }
    }
}
