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
            } else if let archive = inspectArchive(path) {
                entries += archive
            } else {
                let result = Result { () throws(DICOMReadError) in try reader.readHeader(at: path) }
                entries.append(InspectionEntry(path: path, outcome: result))
            }
        }
        return entries
    }

    /// Every entry of the archive at `path`, its header read from its bytes as they are unpacked;
    /// links, special files, escapes, encrypted entries and damage as errors. Nil when `path` is not
    /// an archive.
    private func inspectArchive(_ path: String) -> [InspectionEntry]? {
        var entries: [InspectionEntry] = []
        let outcome = ArchiveDrop.read(path: path, limits: reader.limits.archive) { member, stream in
            let label = path + "/" + member.relativePath
            let result = Result { () throws(DICOMReadError) in
                try reader.readFile(stream: stream, size: member.size, label: label).header
            }
            entries.append(InspectionEntry(path: label, outcome: result))
        }
        guard let outcome else { return nil }
        for entry in outcome.listing.entries where entry.kind != .regularFile {
            let code: DICOMReadError.Code = entry.kind == .symbolicLink ? .symlinkNotFollowed : .notRegularFile
            let shown = path + "/" + entry.relativePath
            entries.append(InspectionEntry(path: shown, outcome: .failure(DICOMReadError(code: code, path: shown, detail: ""))))
        }
        for issue in outcome.issues {
            let code: DICOMReadError.Code
            switch issue.code {
            case "path-escape": code = .pathEscapesMedia
            case "limit-exceeded": code = .limitExceeded
            case "encrypted-entry": code = .encryptedEntry
            case "duplicate-entry": code = .duplicateEntry
            case "archive-damaged", "split-archive": code = .archiveDamaged
            default: continue
            }
            let shown = path + (issue.path.map { "/" + $0 } ?? "")
            entries.append(
                InspectionEntry(path: shown, outcome: .failure(DICOMReadError(code: code, path: shown, detail: issue.message))))
        }
        return entries.sorted { $0.path < $1.path }
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
        // Only the files whose header says they are directory files are read as such.
        let directoryFiles = Set(
            zip(files, results).compactMap { file, result in
                (try? result.get())?.fileMeta.mediaStorageSOPClassUID == DICOMReader.mediaStorageDirectoryClass
                    ? file : nil
            })
        let manifests = scan.listing.manifests { path in
            directoryFiles.contains(path) ? try? reader.readDirectory(at: path, in: scan.folder) : nil
        }
        for reference in manifests.flatMap(\.references) {
            let shown = scan.path(of: reference.directoryFile) + " → " + reference.written
            switch reference.resolution {
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
        return entries.sorted { $0.path < $1.path }
    }
}
