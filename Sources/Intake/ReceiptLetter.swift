import Foundation
import StudyCatalog

/// A receipt as front-desk staff read it (shared/RECEIPTS.md): the outcome in plain words first,
/// then what arrived, what a spine review still lacks, what to tell the patient, and last the
/// details for IT, the only place for codes, ids and paths. Rendered as plain text and as HTML that
/// prints on one page, as a letter to the patient or the referrer.
public struct ReceiptLetter: Sendable, Equatable {
    /// The first sentence: the outcome.
    public var headline: String
    /// Why, and what to do, in a few sentences.
    public var lead: [String]
    public var sections: [Section]
    /// Codes, ids and paths, for IT.
    public var details: String

    public struct Section: Sendable, Equatable {
        public var heading: String
        public var lines: [String]
    }

    /// The letter of a drop taken in, from its receipt; `dropName` is the folder or archive as staff
    /// named it.
    public init(receipt: Receipt, dropName: String) {
        let codes = Dictionary(grouping: receipt.findings.filter { $0.severity != "info" }, by: \.code)
        let received = "Received \(Self.words(isoDate: receipt.receivedAt)) from \"\(dropName)\"."
        switch receipt.status {
        case "accepted":
            let studies = Self.count(receipt.studies.count, "study", "studies")
            let names = Self.names(receipt.patients)
            switch receipt.review {
            case "joined":
                headline = "Accepted — it joins the spine review of \(names) already under way; nothing new is queued."
                lead = [received + " It holds the same study as a disc received before. Nothing for you to do."]
            case "follow-up":
                headline = "Accepted — new images of \(names) are queued as a follow-up of their finished review."
                lead = [received + " Nothing for you to do."]
            default:
                headline = "Accepted — \(studies) of \(names) \(receipt.studies.count == 1 ? "is" : "are") queued for a spine review."
                lead = [received + " Nothing for you to do."]
            }
        case "held":
            headline = "Held — please check this disc before it goes to a surgeon."
            lead = [received] + Self.heldExplanation(receipt, codes: codes) + [
                "When you have decided, release the disc to send it on to review, or dismiss it "
                    + "(intake submissions release or dismiss, with the submission number below)."
            ]
        default:
            let tooLarge = codes["limit-exceeded"] != nil && receipt.counts.instances == 0 && receipt.counts.dicom == 0
            headline = "Could not be read — nothing on the disc \"\(dropName)\" could be used."
            lead = [
                received,
                tooLarge
                    ? "It holds more files than the intake reads at once. Ask IT: they can raise the limit and read it again."
                    : "No image on it could be read. Ask the patient or the imaging centre for a new copy of the disc.",
            ]
        }
        sections = Self.sections(receipt, codes: codes)
        let findings = codes.keys.sorted().map { code in
            let count = codes[code]?.count ?? 0
            return count > 1 ? "\(code) ×\(count)" : code
        }
        details =
            "Details for IT: submission \(receipt.submissionId); outcome \(receipt.status); findings: "
            + (findings.isEmpty ? "none" : findings.joined(separator: ", ")) + "; kept at \(receipt.storedAt)."
    }

    /// Why a drop still waits in the inbox, in plain words.
    public enum WaitingReason: Sendable, Equatable {
        /// Its files still change, or a file of it is still being copied.
        case stillCopying
        /// Files its DICOMDIR lists are not there yet.
        case missingFiles(count: Int, heldAfter: TimeInterval)
        /// The service may not move it out of the inbox.
        case mayNotMove(reason: String)
        /// A top-level file that is neither a folder nor an archive.
        case notADisc
    }

    /// The letter of a drop that waits in the inbox.
    public init(waiting name: String, since: Date, reason: WaitingReason, tag: String) {
        headline = "Waiting — \"\(name)\" was not taken in yet."
        switch reason {
        case .stillCopying:
            lead = [
                "Its files are still changing, or one is still being copied, so the copy does not look finished.",
                "If the copy has finished, put an empty file named READY in the folder; it is then taken in at once.",
            ]
        case .missingFiles(let count, let heldAfter):
            lead = [
                "The disc's index (DICOMDIR) lists \(Self.count(count, "file that has", "files that have")) not arrived.",
                "If the copy has finished, the disc is probably damaged: ask for a new copy. It will be taken in and "
                    + "held for you after \(Self.duration(heldAfter)) of waiting.",
            ]
        case .mayNotMove:
            lead = [
                "The intake may not move the folder out of the inbox, so it cannot take it in.",
                "Ask IT: the service must be allowed to take over the folders staff copy in, as its set-up describes.",
            ]
        case .notADisc:
            lead = [
                "It is neither a folder nor an archive the intake reads, so it is left where it is.",
                "Copy each disc into a folder of its own in the inbox.",
            ]
        }
        sections = []
        let why: String =
            switch reason {
            case .mayNotMove(let reason): "; cannot move it: \(reason)"
            default: ""
            }
        details = "Details for IT: drop \(tag); waiting since \(UTCTime.iso8601(since))\(why)."
    }

    /// The letter as plain text.
    public var text: String {
        var lines = [headline] + lead
        for section in sections {
            lines.append("")
            lines.append(section.heading)
            lines += section.lines.map { "  " + $0 }
        }
        lines += ["", details]
        return lines.joined(separator: "\n") + "\n"
    }

    /// The letter as a page of HTML, with no resource from elsewhere, that prints on one page (A4
    /// or Letter).
    public var html: String {
        var body = "<h1>\(Self.escaped(headline))</h1>\n"
        body += lead.map { "<p>\(Self.escaped($0))</p>\n" }.joined()
        for section in sections {
            body += "<h2>\(Self.escaped(section.heading))</h2>\n<ul>\n"
            body += section.lines.map { "<li>\(Self.escaped($0))</li>\n" }.joined()
            body += "</ul>\n"
        }
        body += "<p class=\"it\">\(Self.escaped(details))</p>\n"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(Self.escaped(headline))</title>
            <style>
            @page { margin: 18mm; }
            body { font: 11pt/1.45 system-ui, sans-serif; color: #111; max-width: 170mm; margin: 2em auto; }
            h1 { font-size: 15pt; margin: 0 0 0.6em; }
            h2 { font-size: 11.5pt; margin: 1.2em 0 0.3em; }
            ul { margin: 0; padding-left: 1.2em; }
            .it { margin-top: 2em; font-size: 8.5pt; color: #444; overflow-wrap: anywhere; }
            @media print { body { margin: 0; } }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    // MARK: The words

    /// How many of the findings that hold the disc are of each kind (`OutcomeRule.holdingFindings`).
    private static func holds(_ codes: [String: [Receipt.Finding]]) -> [OutcomeRule.Hold: Int] {
        var holds: [OutcomeRule.Hold: Int] = [:]
        for (code, findings) in codes {
            if let hold = OutcomeRule.holdingFindings[code]?.hold { holds[hold, default: 0] += findings.count }
        }
        return holds
    }

    private static func heldExplanation(_ receipt: Receipt, codes: [String: [Receipt.Finding]]) -> [String] {
        let holds = holds(codes)
        var sentences: [String] = []
        if holds[.patientNotOnForm] != nil {
            let typed = receipt.formPatient.map { names([$0]) } ?? "the patient on your form"
            sentences.append(
                "The patient on the disc, \(names(receipt.patients)), is not the patient on your form, \(typed). "
                    + "If the disc is the wrong one, dismiss it and ask the patient for theirs; if the form was wrong, "
                    + "release the disc.")
        }
        if holds[.unexpectedPatients] != nil {
            sentences.append(
                "The disc holds images of \(receipt.patients.count) patients: \(names(receipt.patients)). If that is "
                    + "expected, release it; otherwise dismiss it and ask for the right disc.")
        }
        if holds[.archiveIncomplete] != nil {
            sentences.append(
                "The archive is damaged, cut short or one part of several, so images may be missing. Ask for a new "
                    + "copy, or release this one if what arrived is enough.")
        }
        let damaged = (holds[.imagesDamaged] ?? 0) + (holds[.filesTooLarge] ?? 0)
        if damaged > 0 {
            sentences.append(
                "\(count(damaged, "image is", "images are")) cut short or damaged: the copy may have stopped early, or "
                    + "the disc is scratched. Ask for a new copy, or release this one if what arrived is enough.")
        }
        if let missing = holds[.filesMissing] {
            sentences.append(
                "The disc's index lists \(count(missing, "file that is", "files that are")) not on it. If the copy was "
                    + "complete, the disc is probably damaged: ask for a new copy.")
        }
        if let conflicts = holds[.conflictingDuplicate] {
            sentences.append(
                "\(count(conflicts, "image carries", "images carry")) the identity of another image, received "
                    + "before or on this disc, with other content. Ask IT to compare them before you release the disc.")
        }
        return sentences
    }

    private static func sections(_ receipt: Receipt, codes: [String: [Receipt.Finding]]) -> [Section] {
        guard !receipt.studies.isEmpty else { return [] }
        var arrived = receipt.patients.map { patient in
            "For " + names([patient]) + (patient.PatientBirthDate.map { ", born " + words(dicomDate: $0) } ?? "")
        }
        arrived += receipt.studies.map(describe)
        if !receipt.attachments.isEmpty {
            arrived.append(count(receipt.attachments.count, "document", "documents") + " (reports for the reviewer)")
        }
        let lacking = (codes["review-readiness"] ?? []).map { $0.message + "." }
        var result = [
            Section(heading: "What arrived", lines: arrived),
            Section(
                heading: "What the review may still need",
                lines: lacking.isEmpty ? ["Nothing is missing for a spine review."] : lacking),
        ]
        if !receipt.spinalLevels.isEmpty {
            result.append(
                Section(heading: "Levels of concern from the note", lines: [receipt.spinalLevels.joined(separator: ", ")]))
        }
        var tell = (codes["review-readiness"] ?? []).map { finding in
            forwardable(finding.message) + " Please ask the imaging centre for it."
        }
        if receipt.status == "held" {
            let holds = holds(codes)
            if holds[.patientNotOnForm] != nil {
                tell.append("The disc we received shows another patient's images; please send the disc with your own.")
            } else if holds.keys.contains(where: \.damagesTheCopy) {
                tell.append("The copy of your disc we received is incomplete or damaged; a new copy may be needed.")
            }
        }
        if tell.isEmpty { tell = ["Your disc has arrived and is being prepared for the specialist's review."] }
        result.append(Section(heading: "What to tell the patient", lines: tell))
        return result
    }

    /// "MRI cervical spine, 15 March 2024 — 6 series, 412 images".
    private static func describe(_ study: Receipt.Study) -> String {
        let modalities = study.ModalitiesInStudy.map(modalityWords).joined(separator: " and ")
        let parts = study.BodyPartExamined.map(bodyPartWords)
        let subject = parts.isEmpty ? study.StudyDescription.map { "\"\($0)\"" } : parts.joined(separator: ", ")
        let what = [modalities.isEmpty ? "Images" : modalities, subject].compactMap { $0 }.joined(separator: " ")
        let when = study.StudyDate.map { ", " + words(dicomDate: $0) } ?? ""
        return "\(what)\(when) — \(count(study.NumberOfStudyRelatedSeries, "series", "series")), "
            + count(study.NumberOfStudyRelatedInstances, "image", "images")
    }

    /// "No axial T2-weighted MRI of the cervical spine was found on this disc" → "The disc has no
    /// axial T2-weighted MRI of the cervical spine."
    private static func forwardable(_ message: String) -> String {
        let prefix = "No ", suffix = " was found on this disc"
        guard message.hasPrefix(prefix), message.hasSuffix(suffix) else { return message + "." }
        return "The disc has no " + message.dropFirst(prefix.count).dropLast(suffix.count) + "."
    }

    private static func modalityWords(_ modality: String) -> String {
        switch modality {
        case "MR": "MRI"
        case "CR", "DX": "X-ray"
        case "PT": "PET"
        case "NM": "nuclear medicine"
        case "US": "ultrasound"
        case "SR", "DOC", "KO", "PR", "OT": "documents"
        default: modality
        }
    }

    private static func bodyPartWords(_ part: String) -> String {
        switch part.uppercased() {
        case "CSPINE": "cervical spine"
        case "TSPINE": "thoracic spine"
        case "LSPINE": "lumbar spine"
        case "SSPINE": "sacrum"
        case "WHOLESPINE": "whole spine"
        default: part.lowercased()
        }
    }

    private static func names(_ patients: [Receipt.Patient]) -> String {
        let named = patients.map { $0.PatientName ?? "a patient without a name" }
        return named.isEmpty ? "no patient" : named.joined(separator: " and ")
    }

    private static func count(_ number: Int, _ one: String, _ many: String) -> String {
        "\(number) \(number == 1 ? one : many)"
    }

    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]

    /// `20240315` → "15 March 2024"; anything else as it is.
    static func words(dicomDate date: String) -> String {
        let digits = Array(date.prefix(8))
        guard digits.count == 8, digits.allSatisfy(\.isNumber), let month = Int(String(digits[4...5])),
            let day = Int(String(digits[6...7])), (1...12).contains(month)
        else { return date }
        return "\(day) \(months[month - 1]) \(String(digits[0...3]))"
    }

    /// `2026-12-08T01:15:00Z` → "8 December 2026".
    static func words(isoDate date: String) -> String {
        words(dicomDate: date.prefix(10).replacingOccurrences(of: "-", with: ""))
    }

    private static func duration(_ seconds: TimeInterval) -> String {
        seconds >= 120 ? count(Int(seconds / 60), "minute", "minutes") : count(Int(seconds), "second", "seconds")
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
