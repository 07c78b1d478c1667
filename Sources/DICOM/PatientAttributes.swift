/// Patient-level attributes of one file.
public struct PatientAttributes: Sendable, Hashable {
    public var patientName: PersonName?
    public var patientID: String?
    public var issuerOfPatientID: String?
    /// DICOM DA, `YYYYMMDD`, as written.
    public var patientBirthDate: String?
    public var patientSex: String?
}
