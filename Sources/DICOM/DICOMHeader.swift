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
    /// Text values that did not decode cleanly, with their raw bytes.
    public var charsetSuspects: [CharsetSuspect]
}
