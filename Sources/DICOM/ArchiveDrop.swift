#if canImport(Glibc)
    import Glibc
#endif

/// A drop that is an archive (a portal's .zip, a ripped CD's .iso, a .tar.gz, a .7z): its entries
/// read in one pass, in the archive's order, each checked as a folder's files are before anything
/// reads it — a name below the drop, no link followed, no device opened, within the limits — and
/// with what only archives bring: encrypted entries, duplicate names, names not in UTF-8, unpacked
/// size and ratio limits (zip bombs), damage part-way (the entries before it are kept), split
/// archives. The one place for an archive drop's safety rules.
public struct ArchiveDrop: Sendable {
    /// What reading one archive may cost.
    public struct Limits: Sendable, Hashable {
        /// Files (regular entries) at most; beyond, the rest is not read.
        public var maxFiles: Int
        /// Bytes all entries may unpack to together.
        public var maxUnpackedBytes: Int64
        /// Unpacked bytes per packed byte an entry may reach once it is past `ratioFloor` bytes: a
        /// zip bomb's entry unpacks a thousandfold and more; a blank DICOM image far less.
        public var maxRatio: Int64
        public var ratioFloor: Int64

        public init(
            maxFiles: Int = 100_000, maxUnpackedBytes: Int64 = 64 << 30, maxRatio: Int64 = 1_000,
            ratioFloor: Int64 = 64 << 20
        ) {
            self.maxFiles = maxFiles
            self.maxUnpackedBytes = maxUnpackedBytes
            self.maxRatio = maxRatio
            self.ratioFloor = ratioFloor
        }
    }

    /// Something about the archive or one entry, as a finding would say it.
    public struct Issue: Sendable, Hashable {
        public enum Severity: String, Sendable { case error, warning, info }
        /// A finding code: `path-escape`, `duplicate-entry`, `encrypted-entry`, `limit-exceeded`,
        /// `archive-damaged`, `split-archive`, `non-utf8-name`.
        public var code: String
        public var severity: Severity
        public var message: String
        /// The entry's name as the archive writes it, when the issue is one entry's.
        public var path: String?
    }

    /// A regular entry accepted for reading: its path below the drop and its stated size.
    public struct Member: Sendable {
        public var relativePath: String
        public var size: Int64?
    }

    /// What a pass over the archive found.
    public struct Outcome: Sendable {
        /// libarchive's name of the format.
        public var format: String
        /// Every entry with a usable name: regular files (read or not), links, special files, as a
        /// folder's listing holds them.
        public var listing: DropListing
        public var issues: [Issue]
        /// More files than `Limits.maxFiles`: the pass stopped there.
        public var exceedsFileLimit: Bool
    }

    /// Reads the archive at `path` once, calling `body` with each accepted regular entry and a
    /// stream of its bytes (read as much as it needs; the rest is passed over). A `body` that throws
    /// stops the pass, and the error is rethrown. Nil when the file is not an archive of a format
    /// read here.
    public static func read<Failure: Error>(
        path: String, limits: Limits = Limits(),
        each body: (Member, ByteStream) throws(Failure) -> Void
    ) throws(Failure) -> Outcome? {
        let archive: ArchiveFile?
        do throws(DICOMReadError) {
            archive = try ArchiveFile.open(path: path)
        } catch {
            return Outcome(
                format: "", listing: DropListing(entries: []),
                issues: [Issue(code: "archive-damaged", severity: .error, message: error.summary)],
                exceedsFileLimit: false)
        }
        guard let archive else { return nil }
        // libarchive converts entry names through the thread's locale: UTF-8 for this pass, so that
        // UTF-8 names come out as they are, whatever the process's locale.
        let utf8Locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", nil)
        let previousLocale = utf8Locale.map { uselocale($0) }
        defer {
            if let previousLocale { uselocale(previousLocale) }
            if let utf8Locale { freelocale(utf8Locale) }
        }
        var pass = Pass(archive: archive, limits: limits)
        try pass.run(each: body)
        var issues = pass.issues
        if let split = splitArchiveIssue(path: path, format: archive.format) { issues.insert(split, at: 0) }
        return Outcome(
            format: archive.format, listing: DropListing(entries: pass.entries), issues: issues,
            exceedsFileLimit: pass.exceedsFileLimit)
    }

    /// Whether the file at `path` is an archive read here (by content).
    public static func isArchive(path: String) -> Bool {
        ((try? ArchiveFile.open(path: path)) ?? nil) != nil
    }

    /// The state of one pass.
    private struct Pass {
        let archive: ArchiveFile
        let limits: Limits
        var entries: [DropListing.Entry] = []
        var issues: [Issue] = []
        var exceedsFileLimit = false
        var files: Set<String> = []
        var folders: Set<String> = []
        var unpacked: Int64 = 0

        init(archive: ArchiveFile, limits: Limits) {
            self.archive = archive
            self.limits = limits
        }

        mutating func run<Failure: Error>(each body: (Member, ByteStream) throws(Failure) -> Void) throws(Failure) {
            var count = 0
            while true {
                let header: ArchiveFile.Header
                switch archive.next() {
                case .end:
                    return
                case .damaged(let reason):
                    issues.append(
                        Issue(
                            code: "archive-damaged", severity: .error,
                            message: "the archive cannot be read past entry \(count) (\(reason)); the entries before it were read"))
                    return
                case .entry(let next):
                    header = next
                }
                count += 1
                let written = ArchiveDrop.writtenName(header)
                if !header.isUTF8 && String(validating: header.name, as: UTF8.self) == nil {
                    issues.append(
                        Issue(
                            code: "non-utf8-name", severity: .info,
                            message: "its name is not UTF-8; read as code page 437, as zip writers without UTF-8 do",
                            path: written))
                }
                let relativePath: String
                switch ArchiveDrop.relativePath(written) {
                case .failure(let reason):
                    issues.append(
                        Issue(
                            code: "path-escape", severity: .error,
                            message: "an entry named \(written) leaves the drop (\(reason)); not extracted",
                            path: written))
                    continue
                case .success(let path):
                    guard let path else { continue }  // the archive's own root
                    relativePath = path
                }
                if header.kind == .directory {
                    folders.insert(relativePath)
                    continue
                }
                let listed = DropListing.Entry(
                    relativePath: relativePath, kind: .regularFile, size: UInt64(max(0, header.size ?? 0)),
                    modificationTime: header.modificationTime)
                switch header.kind {
                case .symbolicLink, .hardLink, .other:
                    var entry = listed
                    entry.kind =
                        header.kind == .symbolicLink ? .symbolicLink : header.kind == .hardLink ? .hardLink : .other
                    entries.append(entry)
                    continue
                case .regularFile, .directory:
                    break
                }
                guard accept(relativePath, written: written) else { continue }
                if header.isEncrypted {
                    issues.append(
                        Issue(
                            code: "encrypted-entry", severity: .error,
                            message: "encrypted; ask the patient for the password or an unencrypted copy",
                            path: relativePath))
                    entries.append(listed)
                    continue
                }
                guard files.count <= limits.maxFiles else {
                    exceedsFileLimit = true
                    issues.append(
                        Issue(
                            code: "limit-exceeded", severity: .error,
                            message: "more than \(limits.maxFiles) files; the rest was not read"))
                    return
                }
                entries.append(listed)
                guard try readMember(Member(relativePath: relativePath, size: header.size), each: body) else { return }
            }
        }

        /// Whether a regular entry may be extracted at `relativePath`: not twice, not where a folder
        /// or a file of the archive already is.
        private mutating func accept(_ relativePath: String, written: String) -> Bool {
            let parents = relativePath.split(separator: "/").dropLast().indices.map {
                relativePath.split(separator: "/")[0...$0].joined(separator: "/")
            }
            if files.contains(relativePath) || folders.contains(relativePath) {
                issues.append(
                    Issue(
                        code: "duplicate-entry", severity: .warning,
                        message: "a second entry named \(written); the first one was kept", path: relativePath))
                return false
            }
            if let file = parents.first(where: { files.contains($0) }) {
                issues.append(
                    Issue(
                        code: "duplicate-entry", severity: .warning,
                        message: "its folder \(file) is a file of the archive; not extracted", path: relativePath))
                return false
            }
            files.insert(relativePath)
            folders.formUnion(parents)
            return true
        }

        /// Hands one entry to `body` through a stream that enforces the unpacked-size and ratio
        /// limits. False when the pass must stop (the archive is damaged or a limit was reached).
        private mutating func readMember<Failure: Error>(
            _ member: Member, each body: (Member, ByteStream) throws(Failure) -> Void
        ) throws(Failure) -> Bool {
            let archive = self.archive
            let limits = self.limits
            let startedAt = archive.bytesRead
            var entryBytes: Int64 = 0
            var failure: Issue?
            let totalBefore = unpacked
            let stream = ByteStream { buffer in
                guard failure == nil else { return -1 }
                let got = archive.read(into: buffer)
                guard got >= 0 else {
                    failure = Issue(
                        code: "archive-damaged", severity: .error,
                        message: "the archive is damaged in \(member.relativePath) (\(archive.errorDescription)); the entries before it were read",
                        path: member.relativePath)
                    return -1
                }
                entryBytes += Int64(got)
                let packed = max(1, archive.bytesRead - startedAt)
                if totalBefore + entryBytes > limits.maxUnpackedBytes {
                    failure = Issue(
                        code: "limit-exceeded", severity: .error,
                        message: "the archive unpacks to more than \(limits.maxUnpackedBytes) bytes; the rest was not read",
                        path: member.relativePath)
                    return -1
                }
                if entryBytes > limits.ratioFloor && entryBytes / packed > limits.maxRatio {
                    failure = Issue(
                        code: "limit-exceeded", severity: .error,
                        message: "unpacks more than \(limits.maxRatio) times its packed size (a zip bomb?); not read",
                        path: member.relativePath)
                    return -1
                }
                return got
            }
            try body(member, stream)
            // What the body left unread is passed over, still within the limits.
            if failure == nil {
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
                defer { buffer.deallocate() }
                while stream.read(buffer) > 0 {}
            }
            unpacked = totalBefore + entryBytes
            if let failure {
                issues.append(failure)
                return false
            }
            return true
        }
    }

    /// The entry's name as written: UTF-8, or code page 437 (the zip format's own) when it is not.
    static func writtenName(_ header: ArchiveFile.Header) -> String {
        if let text = String(validating: header.name, as: UTF8.self) { return text }
        return Iconv.decode(header.name, from: "CP437") ?? String(decoding: header.name, as: UTF8.self)
    }

    /// The path below the drop an entry name stands for: `/`-separated, with `\` read as a
    /// separator (Windows writers), `.` and empty parts dropped. A failure names why it would leave
    /// the drop (`..`, an absolute path, a drive letter); nil for the archive's root itself.
    static func relativePath(_ name: String) -> Result<String?, EscapeReason> {
        let unified = name.replacingOccurrences(of: "\\", with: "/")
        if unified.hasPrefix("/") { return .failure(EscapeReason("an absolute path")) }
        let parts = unified.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        if let first = parts.first, first.count >= 2, first.dropFirst().first == ":",
            first.first.map({ $0.isLetter }) == true
        {
            return .failure(EscapeReason("a drive letter"))
        }
        if parts.contains("..") { return .failure(EscapeReason("a .. component")) }
        if parts.contains(where: { $0.contains("\0") }) { return .failure(EscapeReason("a NUL in the name")) }
        return .success(parts.isEmpty ? nil : parts.joined(separator: "/"))
    }

    /// Why an entry name would leave the drop.
    struct EscapeReason: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// A zip that is one part of a split (multi-volume) set: its end record names a disk other than
    /// the first, and the other parts were not sent.
    private static func splitArchiveIssue(path: String, format: String) -> Issue? {
        guard format.uppercased().contains("ZIP"), let tail = lastBytes(of: path, count: 64 * 1024 + 22) else {
            return nil
        }
        let signature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
        guard tail.count >= 22,
            let at = (0...(tail.count - 22)).reversed().first(where: { Array(tail[$0..<$0 + 4]) == signature })
        else { return nil }
        let disk = Int(tail[at + 4]) | Int(tail[at + 5]) << 8
        let diskWithDirectory = Int(tail[at + 6]) | Int(tail[at + 7]) << 8
        guard disk != 0 || diskWithDirectory != 0 else { return nil }
        return Issue(
            code: "split-archive", severity: .error,
            message: "one part of a split (multi-volume) zip, disk \(disk + 1); ask for all its parts in one archive")
    }

    private static func lastBytes(of path: String, count: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        let length = min(Int(status.st_size), count)
        var bytes = [UInt8](repeating: 0, count: length)
        let got = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, length, off_t(status.st_size) - off_t(length)) }
        return got == length ? bytes : nil
    }
}
