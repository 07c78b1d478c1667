/// The entries of a drop, a folder's or an archive's, sorted by path, and the resolution of
/// DICOMDIR references against them: what the DICOMDIR checks read, whatever the drop is.
public struct DropListing: Sendable {
    /// What an entry is.
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

        public init(relativePath: String, kind: EntryKind, size: UInt64, modificationTime: Double) {
            self.relativePath = relativePath
            self.kind = kind
            self.size = size
            self.modificationTime = modificationTime
        }
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

    /// Every file and link, sorted by relative path.
    public let entries: [Entry]
    private let entryByKey: [String: Entry]

    public init(entries: [Entry]) {
        self.entries = entries.sorted { $0.relativePath < $1.relativePath }
        var byKey: [String: Entry] = [:]
        for entry in self.entries {
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
        regularFiles.map(\.relativePath).filter(Self.isNamedDICOMDIR)
    }

    /// Whether the file at `path` is named DICOMDIR, in any case.
    public static func isNamedDICOMDIR(_ path: String) -> Bool {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        return normalized(name) == "dicomdir"
    }

    /// Resolves a Referenced File ID written in the DICOMDIR at `dicomdirPath`, case-insensitively,
    /// ignoring an ISO 9660 `;1` version suffix and allowing a `.dcm` extension on the file.
    public func resolve(referencedFileID components: [String], fromDICOMDIRAt dicomdirPath: String) -> Resolution {
        for component in components {
            if component.isEmpty || component == "." || component == ".." {
                return .escapesMedia("the component \"\(component)\" is not a file name")
            }
            if component.contains(where: { $0 == "/" || $0 == "\0" || $0 == ":" }) {
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

    private static func normalized(_ component: String) -> String {
        // ASCII, as ISO 9660 names are, lower-cased byte by byte; anything else by Unicode's rules.
        var name =
            component.utf8.allSatisfy { $0 < 0x80 }
            ? String(decoding: component.utf8.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
            : component.lowercased()
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
}
