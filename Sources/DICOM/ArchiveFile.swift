internal import CArchive

#if canImport(Glibc)
    import Glibc
#endif

/// An archive read in order through libarchive: zip, ISO 9660 (with Joliet and Rock Ridge names),
/// tar (plain, gzip, bzip2, xz, zstd), 7-Zip and RAR, recognised by content, never by name. Owns
/// the native reader and the file's descriptor until deinit.
final class ArchiveFile {
    /// One entry's header as the archive writes it.
    struct Header {
        /// The name's bytes as stored (UTF-8 when the archive says so).
        var name: [UInt8]
        /// Whether `name` came from the archive's UTF-8 form.
        var isUTF8: Bool
        var kind: Kind
        /// The unpacked size, when the archive states it.
        var size: Int64?
        var isEncrypted: Bool
        var modificationTime: Double

        enum Kind {
            case regularFile, directory, symbolicLink, hardLink, other
        }
    }

    enum Next {
        case entry(Header)
        case end
        /// The archive cannot be read on from here; libarchive's words.
        case damaged(String)
    }

    private let archive: OpaquePointer
    private let descriptor: Int32
    /// The first header, read to recognise the archive, handed out by the first `next()`.
    private var pending: Next?
    /// libarchive's name of the format, e.g. `ZIP 2.0 (deflation)`, `ISO9660`, `GNU tar format`.
    private(set) var format: String = ""

    /// Opens the regular file at `path` (never through a symbolic link) as an archive; nil when it
    /// is not one of the formats read. Throws when the file cannot be opened at all.
    static func open(path: String) throws(DICOMReadError) -> ArchiveFile? {
        let descriptor = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code: DICOMReadError.Code =
                errno == ELOOP ? .symlinkNotFollowed : errno == ENOENT ? .notFound : .unreadable
            throw DICOMReadError(code: code, path: path, detail: String(cString: strerror(errno)))
        }
        guard let archive = archive_read_new() else {
            close(descriptor)
            throw DICOMReadError(code: .internalError, path: path, detail: "libarchive could not start")
        }
        archive_read_support_filter_all(archive)
        for support in [
            archive_read_support_format_zip, archive_read_support_format_iso9660, archive_read_support_format_tar,
            archive_read_support_format_7zip, archive_read_support_format_rar, archive_read_support_format_rar5,
        ] {
            _ = support(archive)
        }
        let file = ArchiveFile(archive: archive, descriptor: descriptor)
        guard archive_read_open_fd(archive, descriptor, 64 * 1024) == ARCHIVE_OK else { return nil }
        let first = file.readHeader()
        if case .damaged = first, archive_format(archive) == 0 { return nil }
        file.pending = first
        file.format = archive_format_name(archive).map { String(cString: $0) } ?? "archive"
        return file
    }

    private init(archive: OpaquePointer, descriptor: Int32) {
        self.archive = archive
        self.descriptor = descriptor
    }

    deinit {
        archive_read_free(archive)
        close(descriptor)
    }

    /// The next entry's header; its data is read with `read(into:)` or passed over by the next call.
    func next() -> Next {
        if let pending {
            self.pending = nil
            return pending
        }
        return readHeader()
    }

    /// Up to `buffer.count` bytes of the current entry's data: the count, 0 at its end, -1 on an error
    /// (`errorDescription` says which).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let got = archive_read_data(archive, base, buffer.count)
        return got < 0 ? -1 : got
    }

    /// Bytes of the archive file read so far (compressed): with the bytes an entry unpacked to, its ratio.
    var bytesRead: Int64 { archive_filter_bytes(archive, -1) }

    /// libarchive's last error.
    var errorDescription: String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    private func readHeader() -> Next {
        var entry: OpaquePointer?
        let status = archive_read_next_header(archive, &entry)
        if status == ARCHIVE_EOF { return .end }
        guard status >= ARCHIVE_WARN, let entry else { return .damaged(errorDescription) }
        let utf8 = archive_entry_pathname_utf8(entry)
        let raw = utf8 ?? archive_entry_pathname(entry)
        let name = raw.map { Array(UnsafeBufferPointer(start: $0, count: strlen($0))).map { UInt8(bitPattern: $0) } } ?? []
        let kind: Header.Kind
        if archive_entry_hardlink(entry) != nil {
            kind = .hardLink
        } else {
            // libarchive's AE_IF* file types are the POSIX S_IF* values.
            switch archive_entry_filetype(entry) & S_IFMT {
            case S_IFREG: kind = .regularFile
            case S_IFDIR: kind = .directory
            case S_IFLNK: kind = .symbolicLink
            default: kind = .other
            }
        }
        return .entry(
            Header(
                name: name, isUTF8: utf8 != nil, kind: kind,
                size: archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : nil,
                isEncrypted: archive_entry_is_encrypted(entry) != 0,
                modificationTime: Double(archive_entry_mtime(entry))))
    }
}
