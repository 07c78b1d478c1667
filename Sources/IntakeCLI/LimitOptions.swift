import ArgumentParser
import DICOM

/// The reading limits, shared by every command that reads submissions. A file or a drop beyond one
/// is a `limit-exceeded` finding, never a crash or an unbounded allocation.
struct LimitOptions: ParsableArguments {
    private static let defaults = DICOMReader.Limits()

    @Option(help: "Bytes read from one file before its pixel data at most.")
    var maxHeaderBytes: Int64 = defaults.maxHeaderBytes
    @Option(help: "Sequences nested deeper than this.")
    var maxSequenceDepth: Int = defaults.maxSequenceDepth
    @Option(help: "Records in one DICOMDIR.")
    var maxDicomdirRecords: Int = defaults.maxDirectoryRecords
    @Option(help: "Files in one submission; a larger one is quarantined unread.")
    var maxFiles: Int = defaults.maxFilesPerSubmission
    @Option(help: "Bytes the entries of one archive may unpack to together (a zip bomb stops there).")
    var maxUnpackedBytes: Int64 = defaults.maxUnpackedBytes

    func validate() throws {
        if maxHeaderBytes < 1024 { throw ValidationError("--max-header-bytes must be at least 1024") }
        if maxSequenceDepth < 1 { throw ValidationError("--max-sequence-depth must be at least 1") }
        if maxDicomdirRecords < 1 { throw ValidationError("--max-dicomdir-records must be at least 1") }
        if maxFiles < 1 { throw ValidationError("--max-files must be at least 1") }
        if maxUnpackedBytes < 1 { throw ValidationError("--max-unpacked-bytes must be at least 1") }
    }

    var limits: DICOMReader.Limits {
        DICOMReader.Limits(
            maxHeaderBytes: maxHeaderBytes, maxSequenceDepth: maxSequenceDepth,
            maxDirectoryRecords: maxDicomdirRecords, maxFilesPerSubmission: maxFiles,
            maxUnpackedBytes: maxUnpackedBytes)
    }
}
