/// What the pipeline says when an instance arrives whose SOPInstanceUID is already held, by the
/// catalog or earlier in the same submission. The catalog supplies the facts (`EarlierCopy`); the
/// policy (the intake's `DuplicateRule`) decides the finding's severity, code and words. `validate`
/// applies the same policy within a drop, so both report a duplicate alike.
///
/// What is stored is not the policy's: an identical copy is always linked to the instance already
/// held (the catalog keeps each instance once), any other content is kept apart as its own instance.
public protocol DuplicatePolicy: Sendable {
    func finding(for instance: SubmissionRecord.Instance, earlier: EarlierCopy) -> SubmissionRecord.Finding
}

/// An instance already held with the same SOPInstanceUID.
public struct EarlierCopy: Sendable, Hashable {
    /// The submission that brought it; nil when it came earlier in the submission being judged.
    public var submissionId: String?
    /// Its file's path within that submission.
    public var path: String?
    /// The same header bytes (`headerDigest`): the same instance, not another with a reused UID.
    public var identical: Bool

    public init(submissionId: String?, path: String?, identical: Bool) {
        self.submissionId = submissionId
        self.path = path
        self.identical = identical
    }
}
