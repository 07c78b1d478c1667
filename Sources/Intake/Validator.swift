import DICOM
import Foundation
import StudyCatalog

/// `intake validate`: the rules `ingest` applies (one engine, `SubmissionAssembly`), run over a
/// folder without a catalog, a store or any write: the files are only read.
public struct Validator: Sendable {
    let reader: DICOMReader
    let rules: SubmissionAssembly.RuleSet

    /// - Parameters:
    ///   - spineReview: add the review-readiness checks of a cervical-spine second opinion.
    ///   - limits: what one file or one folder may cost to read; beyond, a `limit-exceeded` finding.
    public init(spineReview: Bool = true, limits: DICOMReader.Limits = DICOMReader.Limits()) {
        rules = spineReview ? .spineReview : .none
        reader = DICOMReader(limits: limits)
    }

    /// Checks the folder at `path` as one submission.
    public func validate(
        path given: String, maxConcurrentReads: Int = DICOMReader.processorCount
    ) async throws(IntakeError) -> ValidationReport {
        let scan = try MediaScan.drop(at: given, maxEntries: reader.limits.maxFilesPerSubmission)
        let path = scan.root
        let pass = DropPass(scan: scan, reader: reader, keeping: .readHeaderOnly, jobs: maxConcurrentReads)
        // Unread: a folder past the file limit is refused as a whole.
        var assembly = SubmissionAssembly(
            id: "validate", note: nil,
            findings: scan.exceedsEntryLimit ? [SubmissionAssembly.fileLimitFinding(reader.limits)] : [])
        assembly.rules = rules
        if !scan.exceedsEntryLimit {
            let directories = try await pass.run(scan.regularFiles) { assembly.add(file: $0.file, header: $0.header) }
            assembly.checkDirectories(of: scan, directories: directories)
        }
        let record = assembly.record(receivedAt: Date(), source: path, priority: .routine)
        let receipt = assembly.receipt(record: record, catalogFindings: assembly.duplicateFindings(), storedAt: path)
        return ValidationReport(path: path, receipt: receipt)
    }
}

/// One folder's validation: `path`, `status` (valid or invalid), `counts`, `findings`.
public struct ValidationReport: Sendable, Encodable {
    public struct Counts: Sendable, Encodable, Equatable {
        public var files, dicom, nonDicom, patients, studies, series, instances: Int
    }

    public var path: String
    public var status: String
    public var counts: Counts
    public var findings: [Receipt.Finding]

    init(path: String, receipt: Receipt) {
        self.path = path
        let counts = receipt.counts
        self.counts = Counts(
            files: counts.files, dicom: counts.dicom, nonDicom: counts.nonDicom, patients: counts.patients,
            studies: counts.studies, series: counts.series, instances: counts.instances)
        findings = receipt.findings
        status = receipt.hasErrors ? "invalid" : "valid"
    }

    public var hasErrors: Bool { status == "invalid" }
}
