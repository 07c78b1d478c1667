/// One active record of a DICOMDIR (PS3.3 F.5) with the keys the intake uses, and its children.
public struct DirectoryRecord: Sendable, Hashable {
    /// (0004,1430) Directory Record Type: PATIENT, STUDY, SERIES, IMAGE, SR DOCUMENT, KEY OBJECT DOC,
    /// PRESENTATION, ENCAP DOC, RT DOSE, PRIVATE, …, as written.
    public var recordType: String
    /// (0004,1500) Referenced File ID: path components as written, e.g. `["DICOM", "IM000001"]`.
    public var referencedFileID: [String]?
    public var referencedSOPClassUIDInFile: String?
    public var referencedSOPInstanceUIDInFile: String?
    public var referencedTransferSyntaxUIDInFile: String?
    public var patientID: String?
    public var studyInstanceUID: String?
    public var seriesInstanceUID: String?
    public var modality: String?
    public var children: [DirectoryRecord]
}
