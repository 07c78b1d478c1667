/// One file-set as a manifest to check a drop against: a DICOMDIR with the lower-level directory
/// files its records reference followed (PS3.3 F.3; a Philips export's `S21570\DIRFILE`), every
/// file reference resolved against the drop, and the series' image counts.
public struct DirectoryManifest: Sendable {
    /// A record's file reference and where it leads.
    public struct Reference: Sendable {
        /// The record's (0004,1511) Referenced SOP Instance UID in File.
        public var referencedSOPInstanceUID: String?
        /// As written, components joined by backslashes.
        public var written: String
        public var resolution: DropListing.Resolution
        /// The directory file the record stands in.
        public var directoryFile: String
    }

    /// The root DICOMDIR, relative to the drop.
    public var path: String
    /// The folder it describes (relative to the drop; empty for the drop itself): a drop holding
    /// several discs has a manifest for each disc's folder.
    public var folder: String
    /// Lower-level directory files followed, in the order met.
    public var lowerLevelFiles: [String]
    /// Every active record that references a file, in all the directory files.
    public var references: [Reference]
    /// Problems of the directory files' structure, and of the chain between them.
    public var structuralProblems: [(path: String, problem: String)]
    /// Image-level records listed per SeriesInstanceUID.
    public var listedPerSeries: [String: Int]

    /// Whether `relativePath` lies in the folder the manifest describes.
    public func describes(_ relativePath: String) -> Bool {
        folder.isEmpty || relativePath.hasPrefix(folder + "/")
    }
}

extension DropListing {
    /// Lower-level directory files followed below one DICOMDIR at most: deeper is a loop or a hostile disc.
    static let maximumDirectoryFileDepth = 8

    /// The manifests of this drop: one per DICOMDIR, with the lower-level directory files its
    /// records reference followed. `directory(path)` gives the record tree of a file read as a
    /// directory (nil for any other file). References in a lower-level file are resolved from the
    /// file-set's root (PS3.10) and, failing that, from the lower-level file's own folder.
    public func manifests(directory: (String) -> DICOMDirectory?) -> [DirectoryManifest] {
        dicomdirPaths.compactMap { root in
            guard let tree = directory(root) else { return nil }
            var manifest = DirectoryManifest(
                path: root, folder: root.split(separator: "/").dropLast().joined(separator: "/"), lowerLevelFiles: [],
                references: [], structuralProblems: [], listedPerSeries: [:])
            var followed: Set<String> = [root]
            collect(tree, in: root, root: root, depth: 0, directory: directory, followed: &followed, into: &manifest)
            return manifest
        }
    }

    private func collect(
        _ tree: DICOMDirectory, in directoryFile: String, root: String, depth: Int,
        directory: (String) -> DICOMDirectory?, followed: inout Set<String>, into manifest: inout DirectoryManifest
    ) {
        manifest.structuralProblems += tree.structuralProblems.map { (directoryFile, $0) }
        tree.forEachRecord { record in
            if record.recordType == "SERIES", let uid = record.seriesInstanceUID {
                manifest.listedPerSeries[uid, default: 0] += record.children.filter { $0.referencedFileID != nil }.count
            }
            guard let fileID = record.referencedFileID else { return }
            var resolution = resolve(referencedFileID: fileID, fromDICOMDIRAt: root)
            if case .missing = resolution, directoryFile != root {
                resolution = resolve(referencedFileID: fileID, fromDICOMDIRAt: directoryFile)
            }
            manifest.references.append(
                DirectoryManifest.Reference(
                    referencedSOPInstanceUID: record.referencedSOPInstanceUIDInFile,
                    written: fileID.joined(separator: "\\"), resolution: resolution, directoryFile: directoryFile))
            guard case .file(let path) = resolution, let lower = directory(path) else { return }
            guard followed.insert(path).inserted else {
                manifest.structuralProblems.append(
                    (directoryFile, "the directory file \(path) is referenced again (a loop); not followed twice"))
                return
            }
            guard depth < Self.maximumDirectoryFileDepth else {
                manifest.structuralProblems.append(
                    (directoryFile, "lower-level directory files nest deeper than \(Self.maximumDirectoryFileDepth)"))
                return
            }
            manifest.lowerLevelFiles.append(path)
            collect(lower, in: path, root: root, depth: depth + 1, directory: directory, followed: &followed,
                    into: &manifest)
        }
    }
}
