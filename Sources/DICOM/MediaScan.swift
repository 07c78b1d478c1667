#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The entries below a folder (a disc, a drop), listed without following any symbolic link, with
/// the folder held open to read them.
public struct MediaScan: Sendable {
    /// Folders deeper than this are not descended into: no real disc nests so deep.
    public static let maximumDepth = 32

    public let root: String
    /// The root, held open: files of the scan are opened below it.
    public let folder: Folder
    /// Every file and link below the root.
    public let listing: DropListing

    /// More than `maxEntries` files were found: the listing stopped there and holds only those.
    public let exceedsEntryLimit: Bool

    /// Lists the folder at `root`, at most `maxEntries` files and links. Throws when `root` itself
    /// cannot be listed.
    public init(root: String, maxEntries: Int = .max) throws(DICOMReadError) {
        self.root = root
        folder = try Folder(path: root)
        var found: [Entry] = []
        Self.walk(root: root, relative: "", depth: 0, limit: maxEntries, into: &found)
        exceedsEntryLimit = found.count > maxEntries
        if exceedsEntryLimit { found.removeLast(found.count - maxEntries) }
        listing = DropListing(entries: found)
    }

    public typealias Entry = DropListing.Entry
    public typealias EntryKind = DropListing.EntryKind
    public typealias Resolution = DropListing.Resolution

    public var entries: [Entry] { listing.entries }
    public var regularFiles: [Entry] { listing.regularFiles }
    public var dicomdirPaths: [String] { listing.dicomdirPaths }

    /// See `DropListing.resolve(referencedFileID:fromDICOMDIRAt:)`.
    public func resolve(referencedFileID components: [String], fromDICOMDIRAt dicomdirPath: String) -> Resolution {
        listing.resolve(referencedFileID: components, fromDICOMDIRAt: dicomdirPath)
    }

    /// `path` without trailing slashes: `disc/` would make lstat follow a symbolic link named `disc`.
    public static func withoutTrailingSlashes(_ path: String) -> String {
        var trimmed = path
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed
    }

    /// The full path of an entry.
    public func path(of relativePath: String) -> String {
        root.hasSuffix("/") ? root + relativePath : root + "/" + relativePath
    }

    private static func walk(root: String, relative: String, depth: Int, limit: Int, into found: inout [Entry]) {
        let directoryPath = relative.isEmpty ? root : root + "/" + relative
        guard depth <= maximumDepth, let directory = opendir(directoryPath) else { return }
        defer { closedir(directory) }
        while found.count <= limit, let entry = readdir(directory) {
            let decoded = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(validatingCString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            guard let name = decoded else {
                // Opening it by a repaired name would open another file or none: list it, never open it.
                let repaired = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
                }
                found.append(
                    Entry(
                        relativePath: relative.isEmpty ? repaired : relative + "/" + repaired, kind: .undecodableName,
                        size: 0, modificationTime: 0))
                continue
            }
            if name == "." || name == ".." { continue }
            let childRelative = relative.isEmpty ? name : relative + "/" + name
            var status = stat()
            // Relative to the folder being read: the whole path is not looked up again for every
            // entry, and no parent can be swapped under it between the two calls.
            guard fstatat(dirfd(directory), name, &status, AT_SYMLINK_NOFOLLOW) == 0 else { continue }
            let modified = Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                walk(root: root, relative: childRelative, depth: depth + 1, limit: limit, into: &found)
            case S_IFREG:
                found.append(
                    Entry(
                        relativePath: childRelative, kind: status.st_nlink > 1 ? .hardLink : .regularFile,
                        size: UInt64(status.st_size), modificationTime: modified))
            case S_IFLNK:
                found.append(
                    Entry(relativePath: childRelative, kind: .symbolicLink, size: 0, modificationTime: modified))
            default:
                found.append(Entry(relativePath: childRelative, kind: .other, size: 0, modificationTime: modified))
            }
        }
    }
}
