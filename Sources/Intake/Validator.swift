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

    /// Checks the drop at `path`, a folder or an archive, as one submission, reading as many files
    /// at once as `reads` allows.
    public func validate(
        path given: String, reads: ReadPermits = ReadPermits(DICOMReader.processorCount)
    ) async throws(IntakeError) -> ValidationReport {
        try await validate(path: given, reads: reads, readTurn: nil)
    }

    /// Checks the drop at `path`, reading its files in `readTurn` when it is one of a batch.
    private func validate(
        path given: String, reads: ReadPermits, readTurn: DropBatch.Turn?
    ) async throws(IntakeError) -> ValidationReport {
        let source = try DropSource.at(given, maxEntries: reader.limits.maxFilesPerSubmission)
        var assembly = SubmissionAssembly(id: "validate", note: nil)
        assembly.rules = rules
        switch source {
        case .folder(let scan):
            if scan.exceedsEntryLimit {
                // Unread: a folder past the file limit is refused as a whole.
                assembly = SubmissionAssembly(
                    id: "validate", note: nil, findings: [SubmissionAssembly.fileLimitFinding(reader.limits)])
                assembly.rules = rules
            } else {
                let pass = DropPass(
                    scan: scan, reader: reader, keeping: .readHeaderOnly, reads: reads, readTurn: readTurn)
                assembly.reserveCapacity(forFiles: scan.regularFiles.count)
                let directories = try await pass.run(scan.regularFiles) { assembly.add(file: $0.file, header: $0.header) }
                assembly.checkDirectories(of: scan.listing, directories: directories)
            }
        case .archive(let path):
            // Read by one thread of its own, outside the permits: no turn to wait for.
            readTurn?.end()
            validateArchive(path, into: &assembly)
        }
        let record = assembly.record(receivedAt: Date(), source: source.path, priority: .routine)
        let receipt = assembly.receipt(
            record: record, catalogFindings: assembly.duplicateFindings(of: record), review: nil, storedAt: source.path)
        return ValidationReport(path: source.path, receipt: receipt)
    }

    /// Checks several drops, as many at once as `reads` lets files be read at once (`DropBatch`);
    /// the outcomes in the drops' order.
    public func validate(paths: [String], reads: ReadPermits) async -> [Result<ValidationReport, IntakeError>] {
        let reading = DropBatch.TurnOrder()
        // DCMTK sets up while the first drop is listed.
        return await DICOMReader.preparingEnvironment {
            await DropBatch.run(paths, reads: reads) { index, path in
                let readTurn = DropBatch.Turn(order: reading, index: index)
                // A drop that fails before reading, or is not read by a pass, still ends its turn.
                defer { readTurn.end() }
                do throws(IntakeError) {
                    return .success(try await self.validate(path: path, reads: reads, readTurn: readTurn))
                } catch {
                    return .failure(error)
                }
            }
        }
    }

    /// An archive read in one pass, nothing written: each entry's header parsed from its bytes as
    /// they are unpacked (only as far as the header goes), then the DICOMDIR checks against the
    /// archive's listing.
    private func validateArchive(_ path: String, into assembly: inout SubmissionAssembly) {
        var directories: [String: DICOMDirectory] = [:]
        var added = assembly
        let outcome = ArchiveDrop.read(path: path, limits: reader.limits.archive) { member, stream in
            let result = Result { () throws(DICOMReadError) in
                try reader.readFile(stream: stream, size: member.size, label: path + "/" + member.relativePath)
            }
            if case .success(let read) = result, let directory = read.directory {
                directories[member.relativePath] = directory
            }
            let size = (try? result.get().header.fileSize) ?? member.size ?? 0
            added.add(
                file: Ingester.StoredFile(relativePath: member.relativePath, size: size, contentHash: nil),
                header: result.map(\.header))
        }
        if let outcome {
            if let overLimit = added.add(archiveIssues: outcome.issues) { added.add(finding: overLimit) }
            added.checkDirectories(of: outcome.listing, directories: directories)
        }
        assembly = added
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
