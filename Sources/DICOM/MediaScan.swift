#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The entries below a folder (a disc, a drop), listed without following any symbolic link, and the
/// resolution of DICOMDIR references against them.
public struct MediaScan: Sendable {
    /// What an entry is, from lstat.
    public enum EntryKind: String, Sendable, Hashable {
        case regularFile
        case symbolicLink
        /// A FIFO, socket or device: never opened.
        case other
        /// A file whose name is not valid UTF-8: listed with the bad bytes replaced, never opened.
        case undecodableName
        /// A regular file with other names (hard links) outside what was listed, perhaps outside
        /// the drop: its bytes are not only the drop's, so it is never opened.
        case hardLink
    }

    public struct Entry: Sendable, Hashable {
        /// Path below the root, `/`-separated.
        public var relativePath: String
        public var kind: EntryKind
        public var size: UInt64
        /// Last modification, seconds since 1970 with nanoseconds: two equal listings mean a
        /// copy has settled.
        public var modificationTime: Double
    }

    /// Where a DICOMDIR's Referenced File ID leads.
    public enum Resolution: Sendable, Hashable {
        /// A regular file below the root (its relative path).
        case file(String)
        /// A symbolic link below the root (its relative path): never followed.
        case symbolicLink(String)
        /// A file below the root with other hard links (its relative path): never opened.
        case hardLink(String)
        /// Nothing of that name is on the disc.
        case missing
        /// The reference leaves the disc (`..`, an absolute path, a separator inside a component).
        case escapesMedia(String)
    }

    /// Folders deeper than this are not descended into: no real disc nests so deep.
    public static let maximumDepth = 32

    public let root: String
    /// The root, held open: files of the scan are opened below it.
    public let folder: Folder
    /// Every file and link below the root, sorted by relative path.
    public let entries: [Entry]
    private let entryByKey: [String: Entry]

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
        entries = found.sorted { $0.relativePath < $1.relativePath }
        var byKey: [String: Entry] = [:]
        for entry in entries {
            for key in Self.lookupKeys(entry.relativePath.split(separator: "/").map(String.init))
            where byKey[key] == nil {
                byKey[key] = entry
            }
        }
        entryByKey = byKey
    }

    public var regularFiles: [Entry] { entries.filter { $0.kind == .regularFile } }

    /// Regular files named DICOMDIR in any case (ISO 9660 mounts may lower-case it).
    public var dicomdirPaths: [String] {
        regularFiles.map(\.relativePath).filter { path in
            let name = path.split(separator: "/").last.map(String.init) ?? path
            return Self.normalized(name) == "dicomdir"
        }
    }

    /// Resolves a Referenced File ID written in the DICOMDIR at `dicomdirPath`, case-insensitively,
    /// ignoring an ISO 9660 `;1` version suffix and allowing a `.dcm` extension on the file.
    public func resolve(referencedFileID components: [String], fromDICOMDIRAt dicomdirPath: String) -> Resolution {
        for component in components {
            if component.isEmpty || component == "." || component == ".." {
                return .escapesMedia("the component \"\(component)\" is not a file name")
            }
            if component.contains("/") || component.contains("\0") || component.contains(":") {
                return .escapesMedia("the component \"\(component)\" holds a path separator")
            }
        }
        let base = dicomdirPath.split(separator: "/").dropLast().map(String.init)
        for key in Self.lookupKeys(base + components) {
            if let entry = entryByKey[key] {
                switch entry.kind {
                case .regularFile: return .file(entry.relativePath)
                case .symbolicLink: return .symbolicLink(entry.relativePath)
                case .hardLink: return .hardLink(entry.relativePath)
                case .other, .undecodableName: return .missing
                }
            }
        }
        return .missing
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

    private static func normalized(_ component: String) -> String {
        var name = component.lowercased()
        if name.hasSuffix(";1") { name.removeLast(2) }
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }

    /// The keys a path is found under: normalised, and without a `.dcm` extension on the last part.
    private static func lookupKeys(_ components: [String]) -> [String] {
        let normal = components.map(normalized)
        let key = normal.joined(separator: "/")
        if let last = normal.last, last.hasSuffix(".dcm"), last.count > 4 {
            return [key, (normal.dropLast() + [String(last.dropLast(4))]).joined(separator: "/")]
        }
        return [key]
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
            guard lstat(root + "/" + childRelative, &status) == 0 else { continue }
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
