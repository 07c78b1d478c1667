internal import CDCMTK

/// One parsed file, owning its native DcmFileFormat until deinit.
///
/// Internal on purpose: values are copied out into `DICOMHeader` or `DICOMDirectory` and the native
/// objects released before anything leaves the module.
final class DICOMFile {
    let handle: OpaquePointer
    let path: String
    /// The source of a streamed file's bytes, kept alive while DCMTK may still ask for more.
    private let source: ByteStream?

    /// Opens `path` and parses it up to the first top-level element at or after `stopBefore`. In a
    /// `folder`, `path` is relative to it and nothing outside it is opened, through no symbolic link.
    init(path: String, in folder: Folder? = nil, stopBefore: DICOMTag, limits: DICOMReader.Limits)
        throws(DICOMReadError)
    {
        try DCMTKRuntime.readiness.get()
        var error: OpaquePointer?
        let fullPath = folder.map { $0.path + "/" + path } ?? path
        let root = folder?.descriptor ?? -1
        guard let handle = cdcmtk_file_open(root, path, stopBefore.native, limits.native, &error) else {
            throw DICOMReadError(consuming: error, path: fullPath)
        }
        self.handle = handle
        self.path = fullPath
        source = nil
    }

    /// Parses bytes that are not a file of their own (an archive entry), read from `stream` in order
    /// and only as far as the parse goes. `size` is the size its container gives (nil when it gives
    /// none); `label` names it in errors.
    init(stream: ByteStream, size: Int64?, label: String, stopBefore: DICOMTag, limits: DICOMReader.Limits)
        throws(DICOMReadError)
    {
        try DCMTKRuntime.readiness.get()
        var error: OpaquePointer?
        let context = Unmanaged.passUnretained(stream).toOpaque()
        let total = size.map { UInt64(max(0, $0)) } ?? UInt64.max
        guard
            let handle = cdcmtk_file_open_stream(
                { context, buffer, length in
                    let stream = Unmanaged<ByteStream>.fromOpaque(context!).takeUnretainedValue()
                    return stream.read(UnsafeMutableRawBufferPointer(start: buffer, count: length))
                }, context, total, stopBefore.native, limits.native, &error)
        else {
            throw DICOMReadError(consuming: error, path: label)
        }
        self.handle = handle
        self.path = label
        source = stream
    }

    /// Parses again from the bytes already read, up to `stopBefore`; earlier items become invalid.
    func reparse(stopBefore: DICOMTag, limits: DICOMReader.Limits) throws(DICOMReadError) {
        var error: OpaquePointer?
        guard cdcmtk_file_reparse(handle, stopBefore.native, limits.native, &error) else {
            throw DICOMReadError(consuming: error, path: path)
        }
    }

    /// The file's size as opened.
    var size: Int64 { Int64(cdcmtk_file_size(handle)) }

    /// Calls `body` with the file's bytes from its start to where the parse stopped.
    func withParsedBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        var bytes: UnsafePointer<UInt8>?
        var length = 0
        cdcmtk_file_parsed_bytes(handle, &bytes, &length)
        return body(UnsafeRawBufferPointer(start: bytes, count: bytes == nil ? 0 : length))
    }

    deinit {
        cdcmtk_file_close(handle)
    }

    /// What the last parse met and got past, or stopped at while keeping what came before.
    var readIssues: [ReadIssue] {
        (0..<cdcmtk_file_issue_count(handle)).compactMap { index in
            var kind = CDCMTK_READ_ISSUE_TRUNCATED
            var detail: UnsafePointer<CChar>?
            guard cdcmtk_file_get_issue(handle, index, &kind, &detail) else { return nil }
            let text = detail.map { String(cString: $0) } ?? ""
            switch kind {
            case CDCMTK_READ_ISSUE_TRUNCATED: return ReadIssue(kind: .truncated, detail: text)
            case CDCMTK_READ_ISSUE_STRAY_ITEM: return ReadIssue(kind: .strayItem, detail: text)
            case CDCMTK_READ_ISSUE_TRANSFER_SYNTAX_MISMATCH: return ReadIssue(kind: .transferSyntaxMismatch, detail: text)
            case CDCMTK_READ_ISSUE_PIXEL_DATA_TRUNCATED: return ReadIssue(kind: .pixelDataTruncated, detail: text)
            default: return ReadIssue(kind: .parseStopped, detail: text)
            }
        }
    }

    /// Calls `body` with each directory record of a DICOMDIR, in file order, and its byte offset in
    /// the file (nil when unknown). A record is parsed when its turn comes and lives only during its
    /// call; a record that cannot be read ends the walk with an error.
    func forEachDirectoryRecord(_ body: (DatasetItem, UInt32?) throws(DICOMReadError) -> Void) throws(DICOMReadError) {
        while true {
            var offset: UInt32 = 0
            var error: OpaquePointer?
            guard let record = cdcmtk_file_next_directory_record(handle, &offset, &error) else {
                if error != nil { throw DICOMReadError(consuming: error, path: path) }
                return
            }
            try body(DatasetItem(native: record, owner: self), offset == 0 ? nil : offset)
        }
    }

    var hasPreamble: Bool { cdcmtk_file_has_preamble(handle) }
    var hasMetaGroup: Bool { cdcmtk_file_has_meta_group(handle) }
    var transferSyntaxUID: String? { cdcmtk_file_transfer_syntax_uid(handle).map { String(cString: $0) } }
    var meta: DatasetItem { DatasetItem(native: cdcmtk_file_meta(handle), owner: self) }
    var dataset: DatasetItem { DatasetItem(native: cdcmtk_file_dataset(handle), owner: self) }
}
