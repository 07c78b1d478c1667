import ArgumentParser
import DICOM
import Foundation

extension IntakeCommand {
    /// `intake inspect PATH…`: what files and discs hold, header by header, without a catalog.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show what DICOM files or discs hold, header by header, without a catalog.",
            discussion: """
                A folder is read whole: every regular file by its content (never its name), plus
                what its DICOMDIR lists that is missing or points outside the disc. Symbolic links
                are reported, never followed. Exits 0 when it ran, even if some files are not DICOM.
                """
        )

        @OptionGroup var logging: LoggingOptions

        @Flag(
            help: """
                Give DCMTK every element to decode (by default only the attributes a header reads; \
                private groups and the rest are stepped over by their lengths): the same headers, as \
                a check.
                """)
        var decodeEveryElement = false

        @Option(help: "Output format: text or json.")
        var format: ReportFormat = .text

        @Argument(help: "DICOM files or folders (discs, drops).")
        var paths: [String]

        func validate() throws {
            for path in paths where !FileManager.default.fileExists(atPath: path) && !isSymbolicLink(path) {
                throw ValidationError("no such file or folder: \(path)")
            }
        }

        func run() async throws {
            logging.bootstrap()
            try DICOMReader.checkEnvironment()
            var limits = DICOMReader.Limits()
            limits.decodesEveryElement = decodeEveryElement
            let entries = await MediaInspector(reader: DICOMReader(limits: limits)).inspect(paths: paths)
            switch format {
            case .json:
                try printJSON(entries)
            case .text:
                print(entries.map(\.textReport).joined(separator: "\n"))
            }
        }
    }
}

/// Whether `path` is itself a symbolic link (which `fileExists` would follow).
func isSymbolicLink(_ path: String) -> Bool {
    (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
}
