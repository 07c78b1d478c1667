import StudyCatalog

/// The one rule for what becomes of a submission, and the words that say why to staff. Applied by
/// the catalog inside the transaction that records a submission (where its duplicates become
/// known), and read back wherever staff are told what became of a disc.
///
/// - quarantined: nothing usable (no readable instance, or too many files to read).
/// - held: cataloged and kept, but no review until a person releases it, when any finding below
///   (of warning or error severity) says the disc is not safe to put before a surgeon as it is.
/// - accepted: everything else; its review is queued, or it joins the review of its case
///   (`placement`).
public struct OutcomeRule: OutcomePolicy {
    public init() {}

    /// What a finding that holds a disc says of it: the letter to staff words and counts each kind.
    public enum Hold: Sendable, Hashable {
        case patientNotOnForm, unexpectedPatients, archiveIncomplete, imagesDamaged, filesTooLarge, filesMissing
        case filesLate, conflictingDuplicate

        /// Whether it means the copy that arrived is incomplete or damaged.
        public var damagesTheCopy: Bool {
            switch self {
            case .archiveIncomplete, .imagesDamaged, .filesMissing, .filesLate: true
            case .patientNotOnForm, .unexpectedPatients, .filesTooLarge, .conflictingDuplicate: false
            }
        }
    }

    /// The findings that hold a submission: the kind of each, and why, in plain words for staff.
    public static let holdingFindings: [String: (hold: Hold, reason: String)] = [
        "patient-not-on-form": (.patientNotOnForm, "The patient on the disc is not the patient on the form."),
        "multiple-patients": (
            .unexpectedPatients, "The disc holds images of more than one patient, and the form does not say it should."
        ),
        "archive-damaged": (.archiveIncomplete, "The archive is damaged or cut short, so images may be missing."),
        "split-archive": (.archiveIncomplete, "The archive is one part of several, so images may be missing."),
        "truncated": (
            .imagesDamaged, "Some images are cut short: the copy may have stopped early, or the disc is damaged."
        ),
        "parse-stopped": (.imagesDamaged, "Some images are damaged and could be read only in part."),
        "pixel-data-truncated": (
            .imagesDamaged, "Some images are cut short: the copy may have stopped early, or the disc is damaged."
        ),
        "unreadable-dicom": (.imagesDamaged, "Some files look like images but cannot be read."),
        "limit-exceeded": (.filesTooLarge, "Some files are larger or more deeply nested than the intake reads."),
        "dicomdir-missing-file": (.filesMissing, "Files the disc's index lists are not on the disc."),
        "incomplete": (.filesLate, "Files the disc's index lists did not arrive in time."),
        "duplicate-conflict": (
            .conflictingDuplicate,
            "Some images carry the identity of images received before, but with other content."
        ),
    ]

    public func status(of submission: SubmissionRecord, duplicateFindings: [SubmissionRecord.Finding])
        -> SubmissionRecord.Status
    {
        guard submission.status != .quarantined else { return .quarantined }
        let holds = (submission.findings + duplicateFindings).contains {
            $0.severity != .info && Self.holdingFindings[$0.code] != nil
        }
        return holds ? .held : .accepted
    }

    /// One review per case: a submission whose studies an open review covers joins it (a resend,
    /// a second disc of the same study); one that brings new series to a case already reviewed is
    /// queued as a follow-up of that review, and one that brings nothing new joins it; the rest
    /// are queued.
    public func placement(covering: [CoveringReview], bringsNewSeries: Bool) -> ReviewPlacement {
        if let open = covering.first(where: { $0.status != .done }) { return .joined(reviewId: open.reviewId) }
        if let done = covering.first(where: { $0.status == .done }) {
            return bringsNewSeries ? .followUp(of: done.reviewId) : .joined(reviewId: done.reviewId)
        }
        return .queued
    }

    /// Why a submission with these finding codes (errors and warnings) ended as it did, in plain
    /// words: one sentence per reason, none for an accepted one.
    public static func reasons(status: SubmissionRecord.Status, findingCodes: [String]) -> [String] {
        switch status {
        case .accepted, .retried:
            return []
        case .quarantined:
            return findingCodes.contains("limit-exceeded")
                ? ["The disc holds more files than the intake reads at once; nothing on it was read."]
                : ["No image on the disc could be read."]
        case .held:
            var reasons: [String] = []
            for code in findingCodes.sorted() {
                guard let reason = holdingFindings[code]?.reason, !reasons.contains(reason) else { continue }
                reasons.append(reason)
            }
            return reasons
        }
    }
}
