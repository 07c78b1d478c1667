import StudyCatalog

/// What `ingest` reports for one submission.
public struct Receipt: Sendable, Encodable {
    public struct Counts: Sendable, Encodable, Equatable {
        public var files: Int
        public var dicom: Int
        public var nonDicom: Int
        public var patients: Int
        public var studies: Int
        public var series: Int
        public var instances: Int
        public var duplicates: Int
    }

    public struct Finding: Sendable, Encodable, Equatable {
        public var severity: String
        public var code: String
        public var message: String
        public var path: String?
        public var uid: String?
    }

    /// A patient as the disc names them (DICOM keywords).
    public struct Patient: Sendable, Encodable, Equatable {
        public var PatientName: String?
        public var PatientID: String?
        public var PatientBirthDate: String?
    }

    /// A study as it arrived (DICOM keywords, as in QIDO-RS).
    public struct Study: Sendable, Encodable, Equatable {
        public var StudyInstanceUID: String
        public var StudyDate: String?
        public var StudyDescription: String?
        public var ModalitiesInStudy: [String]
        /// The series' BodyPartExamined values.
        public var BodyPartExamined: [String]
        public var NumberOfStudyRelatedSeries: Int
        public var NumberOfStudyRelatedInstances: Int
    }

    public var submissionId: String
    /// `accepted`, `held` or `quarantined`.
    public var status: String
    /// Why it is held or quarantined, in plain words (`OutcomeRule`); empty when accepted.
    public var reasons: [String]
    /// Where its review went when accepted: `queued`, `joined` (the review already covering its
    /// studies, `reviewOf`) or `follow-up` (of the done review `reviewOf`); nil otherwise.
    public var review: String?
    public var reviewOf: String?
    public var source: String
    /// Where the files are kept: the store folder, or the source itself with `--in-place`.
    public var storedAt: String
    /// ISO 8601 in UTC, to the second.
    public var receivedAt: String
    /// The patients on the disc, and the one typed on the form (`submission.json`) when there was one.
    public var patients: [Patient]
    public var formPatient: Patient?
    public var studies: [Study]
    public var counts: Counts
    /// Levels named by the note: the submission's levels of concern.
    public var spinalLevels: [String]
    /// Reports for the reviewer: PDFs and other documents, and encapsulated documents.
    public var attachments: [String]
    public var findings: [Finding]

    /// Whether any finding is an error.
    public var hasErrors: Bool { findings.contains { $0.severity == "error" } }

    /// Not accepted, or accepted with an error finding: `ingest` then exits 1.
    public var needsAPerson: Bool { status != SubmissionRecord.Status.accepted.rawValue || hasErrors }
}
