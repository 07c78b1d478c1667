import Foundation

/// An instance as the DICOMweb server hands it out: where its bytes are (one copy that an accepted
/// submission keeps) and what a retrieval needs to know of them.
public struct StoredInstance: Sendable, Hashable {
    public var sopInstanceUID: String
    public var seriesInstanceUID: String
    public var studyInstanceUID: String
    public var sopClassUID: String?
    public var instanceNumber: Int?
    public var transferSyntaxUID: String?
    /// The digest of its header bytes: names what is derived from this copy (its metadata).
    public var headerDigest: String
    /// The accepted submission that keeps the copy, and the file's path within it.
    public var submissionId: String
    public var path: String
    /// The copy lies where it was cataloged (`source`), not in the store.
    public var filesInPlace: Bool
    public var source: String

    public init(
        sopInstanceUID: String, seriesInstanceUID: String, studyInstanceUID: String, sopClassUID: String?,
        instanceNumber: Int?, transferSyntaxUID: String?, headerDigest: String, submissionId: String, path: String,
        filesInPlace: Bool, source: String
    ) {
        self.sopInstanceUID = sopInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.studyInstanceUID = studyInstanceUID
        self.sopClassUID = sopClassUID
        self.instanceNumber = instanceNumber
        self.transferSyntaxUID = transferSyntaxUID
        self.headerDigest = headerDigest
        self.submissionId = submissionId
        self.path = path
        self.filesInPlace = filesInPlace
        self.source = source
    }
}

/// One access to patient data, for the audit trail: who, what, which study, when.
public struct AccessEvent: Sendable, Hashable {
    public var at: Date
    public var actor: String
    public var action: String
    /// A StudyInstanceUID, or the query level of a search; never a name or a birth date.
    public var subject: String

    public init(at: Date, actor: String, action: String, subject: String) {
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
    }

    public var row: [CatalogValue] { SubmissionRows.audit(actor: actor, action: action, subject: subject, at: at) }
}
