/// A patient as the catalog keys them: PatientID with its issuer, the normalised name and the birth
/// date together, because PatientIDs are unique only per issuing hospital.
public struct CatalogPatient: Hashable, Sendable {
    public var patientID: String?
    public var issuerOfPatientID: String?
    /// As DICOM writes it (`Yamada^Tarou=山田^太郎`).
    public var patientName: String?
    public var patientBirthDate: String?
    public var patientSex: String?

    public init(
        patientID: String?, issuerOfPatientID: String?, patientName: String?, patientBirthDate: String?,
        patientSex: String?
    ) {
        self.patientID = patientID
        self.issuerOfPatientID = issuerOfPatientID
        self.patientName = patientName
        self.patientBirthDate = patientBirthDate
        self.patientSex = patientSex
    }

    /// The name as compared: see `NameKey`.
    public var nameKey: String { NameKey.make(patientName ?? "") }
}
