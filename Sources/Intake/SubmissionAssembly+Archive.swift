import DICOM
import Foundation
import StudyCatalog

/// An archive drop's own findings, the drop-wide findings and the file limit.
extension SubmissionAssembly {
    /// An archive drop's own findings (path escapes, links, encrypted or duplicate entries, limits,
    /// damage). Returns the one that quarantines it, when it held more files than the limit.
    mutating func add(archiveIssues issues: [ArchiveDrop.Issue]) -> Finding? {
        var overLimit: Finding?
        for issue in issues {
            let severity: Finding.Severity =
                switch issue.severity {
                case .error: .error
                case .warning: .warning
                case .info: .info
                }
            let finding = Finding(severity: severity, code: issue.code, message: issue.message, path: issue.path)
            if issue.code == "limit-exceeded" && issue.path == nil {
                overLimit = finding
            } else {
                findings.append(finding)
            }
        }
        return overLimit
    }

    /// A finding about the drop as a whole.
    mutating func add(finding: Finding) {
        findings.append(finding)
    }

    /// The archive a drop came as, kept beside its entries.
    mutating func add(original file: Ingester.StoredFile) {
        files.append(
            SubmissionRecord.File(
                path: file.relativePath, size: file.size, contentHash: file.contentHash, role: .archive))
    }

    /// The finding of a drop with more files than `limits` allow.
    static func fileLimitFinding(_ limits: DICOMReader.Limits) -> Finding {
        Finding(
            severity: .error, code: "limit-exceeded",
            message: "more than \(limits.maxFilesPerSubmission) files; not read")
    }
}
