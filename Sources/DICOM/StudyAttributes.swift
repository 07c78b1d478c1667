/// Study-level attributes of one file.
public struct StudyAttributes: Sendable, Hashable {
    public var studyInstanceUID: String?
    /// DICOM DA, `YYYYMMDD`, as written.
    public var studyDate: String?
    /// DICOM TM, `HHMMSS.FFFFFF`, as written.
    public var studyTime: String?
    public var accessionNumber: String?
    public var studyDescription: String?
    public var studyID: String?
    public var referringPhysicianName: PersonName?
    public var institutionName: String?
}
