import ArgumentParser
import DICOM
import Foundation
import Intake
import StudyCatalog

extension IntakeCommand {
    /// `intake preview ID [--out FILE.png]`.
    struct Preview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a contact sheet (PNG) of a series, or of every series of a study or a submission.",
            discussion: """
                One tile a series: its middle image, windowed as its header says (rendered by DCMTK,
                as the DICOMweb server renders it), with the series number, description, modality,
                plane, spinal levels and image count under it. The file is created owner-only: it
                shows patient images. The preview is written to the catalog's audit trail.
                """
        )

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var logging: LoggingOptions
        @Argument(help: "A SeriesInstanceUID, a StudyInstanceUID or a submission id.") var id: String
        @Option(help: "The PNG file to write (default preview-ID.png).") var out: String?
        @Option(help: "Tiles per row.") var columns = 4

        func validate() throws {
            if columns < 1 { throw ValidationError("--columns must be at least 1") }
        }

        func run() async throws {
            let catalog = try await homeOptions.openExistingCatalog(logging: logging)
            let requester = ProcessInfo.processInfo.environment["USER"] ?? NSUserName()
            let sheet: ContactSheet
            do {
                sheet = try await SeriesPreview(catalog: catalog, home: homeOptions.intakeHome).sheet(
                    for: id, requester: requester)
            } catch let failure as SeriesPreview.Failure {
                FileHandle.standardError.write(Data("intake: \(failure)\n".utf8))
                throw ExitCode(1)
            }
            let png = try sheet.image(columns: columns).png()
            let path = out ?? "preview-\(id).png"
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw IntakeError.environment("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: png)
            try handle.close()
            await catalog.close()
            print("\(path): \(sheet.tiles.count) series")
        }
    }
}
