import DICOM
import Foundation
import Testing

@testable import Intake

@Suite("A file that vanishes between the listing and the pass")
struct VanishingFileTests {
    @Test("Copying stops with an error that names it, and nothing is handed on as kept", arguments: [false, true])
    func vanished(copying: Bool) async throws {
        let root = NSTemporaryDirectory() + "studyintake-vanish-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        let drop = root + "/drop"
        let staging = root + "/staging"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: IngesterTests.sampleStudies + "/CSPINE_CT", toPath: drop)
        try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let scan = try MediaScan(root: drop)
        let gone = try #require(scan.regularFiles.last?.relativePath)
        try FileManager.default.removeItem(atPath: drop + "/" + gone)

        let keeping: DropPass.Keeping = copying ? .copy(into: try Folder(path: staging)) : .hashInPlace
        let pass = DropPass(scan: scan, reader: DICOMReader(), keeping: keeping, reads: ReadPermits(2), readTurn: nil)
        var handedOn: [String] = []
        do {
            _ = try await pass.run(scan.regularFiles) { handedOn.append($0.file.relativePath) }
            Issue.record("the pass succeeded without \(gone)")
        } catch {
            #expect("\(error)".contains(gone))
            #expect("\(error)".contains("No such file"))
        }
        #expect(!handedOn.contains(gone))
    }
}
