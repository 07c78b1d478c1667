internal import CDCMTK

/// One parsed file, owning its native DcmFileFormat until deinit.
///
/// Internal on purpose: values are copied out into `DICOMHeader` or `DICOMDirectory` and the native
/// objects released before anything leaves the module.
final class DICOMFile {
    private let handle: OpaquePointer
    let path: String

    /// How much of the file to parse.
    enum Extent {
        /// Stop before Pixel Data.
        case header
        /// Everything, pixel data included.
        case whole
    }

    init(path: String, extent: Extent, maxValueLength: UInt32) throws(DICOMReadError) {
        try DCMTKRuntime.readiness.get()
        var error: OpaquePointer?
        let nativeExtent = extent == .header ? CDCMTK_READ_HEADER : CDCMTK_READ_WHOLE
        guard let handle = cdcmtk_file_open(path, nativeExtent, maxValueLength, &error) else {
            throw DICOMReadError(consuming: error, path: path)
        }
        self.handle = handle
        self.path = path
    }

    deinit {
        cdcmtk_file_close(handle)
    }

    var hasPreamble: Bool { cdcmtk_file_has_preamble(handle) }
    var hasMetaGroup: Bool { cdcmtk_file_has_meta_group(handle) }
    var transferSyntaxUID: String? { cdcmtk_file_transfer_syntax_uid(handle).map { String(cString: $0) } }
    var meta: DatasetItem { DatasetItem(native: cdcmtk_file_meta(handle), owner: self) }
    var dataset: DatasetItem { DatasetItem(native: cdcmtk_file_dataset(handle), owner: self) }
}
