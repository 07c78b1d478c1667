/// What one DICOM file says about itself, read without its pixel data and copied out of DCMTK.
/// Absent or empty attributes are nil; text is decoded to Swift strings by the file's
/// Specific Character Set, with doubtful values listed in `charsetSuspects`.
public struct DICOMHeader: Sendable, Hashable {
    public var fileMeta: FileMetaInformation
    /// (0008,0005) as declared; nil when absent.
    public var specificCharacterSet: [String]?
    public var patient: PatientAttributes
    public var study: StudyAttributes
    public var series: SeriesAttributes
    public var instance: InstanceAttributes
    /// What went wrong while reading the header, though it was read: a break in the file (the
    /// attributes after it are missing), a stray item stepped over, a mislabelled transfer syntax.
    public var readIssues: [ReadIssue]
    /// Text values that did not decode cleanly, with their raw bytes.
    public var charsetSuspects: [CharsetSuspect]
    /// The file's size in bytes.
    public var fileSize: Int64
    /// SHA-256 (hex) of the bytes the header read took in, from the file's start to where it
    /// stopped, followed by the file's size: equal for byte-identical files, read without the pixel
    /// data. Duplicate detection compares it.
    public var headerDigest: String
}
