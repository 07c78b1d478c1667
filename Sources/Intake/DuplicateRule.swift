import StudyCatalog

/// The one rule for an instance whose SOPInstanceUID is already held, used by `ingest` (against the
/// catalog and the submission) and by `validate` (within the drop): the same header bytes are the
/// same instance (`duplicate-identical`, info: linked, not stored again); other content under the
/// same UID is an error (`duplicate-conflict`: kept apart, for a person to look at).
public struct DuplicateRule: DuplicatePolicy {
    public init() {}

    public func finding(for instance: SubmissionRecord.Instance, earlier: EarlierCopy) -> SubmissionRecord.Finding {
        let place =
            switch (earlier.submissionId, earlier.path) {
            case (nil, let path?): "\(path) in this submission"
            case (let submission?, let path?): "\(path) of submission \(submission)"
            case (let submission?, nil): "submission \(submission)"
            case (nil, nil): "this submission"
            }
        return earlier.identical
            ? SubmissionRecord.Finding(
                severity: .info, code: "duplicate-identical",
                message: "the same instance as \(place); linked, not stored again", path: instance.path,
                uid: instance.sopInstanceUID)
            : SubmissionRecord.Finding(
                severity: .error, code: "duplicate-conflict",
                message: "the same SOPInstanceUID as \(place) with other content; kept apart", path: instance.path,
                uid: instance.sopInstanceUID)
    }
}
