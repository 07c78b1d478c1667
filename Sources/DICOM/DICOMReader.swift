/// Reads DICOM files through DCMTK and returns Swift values. Safe to use from many tasks at once:
/// each read owns its native objects, and DCMTK's global state is prepared once per process.
public struct DICOMReader: Sendable {
    /// Values longer than this many bytes are not read into memory (DCMTK's maxReadLength). Every
    /// attribute of `DICOMHeader` is far shorter; large private blobs and overlays are skipped.
    public var maxValueLength: UInt32

    public init(maxValueLength: UInt32 = 64 * 1024) {
        self.maxValueLength = maxValueLength
    }

    /// Checks that DCMTK is usable here (its data dictionary loaded), before any file is read: a
    /// missing dictionary is a fault of the machine, not of the files.
    public static func checkEnvironment() throws(DICOMReadError) {
        try DCMTKRuntime.readiness.get()
    }

    /// Reads the header of the file at `path`, stopping before Pixel Data.
    public func readHeader(at path: String) throws(DICOMReadError) -> DICOMHeader {
        let file = try DICOMFile(path: path, extent: .header, maxValueLength: maxValueLength)
        return DICOMHeader(file: file)
    }

    /// Reads the DICOMDIR at `path` as a record tree.
    public func readDirectory(at path: String) throws(DICOMReadError) -> DICOMDirectory {
        let file = try DICOMFile(path: path, extent: .whole, maxValueLength: maxValueLength)
        return DICOMDirectory(file: file)
    }
}
