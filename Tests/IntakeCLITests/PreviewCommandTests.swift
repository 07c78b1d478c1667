import Foundation
import Intake
import StudyCatalog
import Testing

@Suite("intake preview: a contact sheet of a series, a study or a submission")
struct PreviewCommandTests {
    /// Width and height from a PNG's IHDR chunk.
    private func pngSize(_ data: Data) -> (width: Int, height: Int)? {
        let bytes = [UInt8](data)
        guard bytes.count > 24, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
            String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR"
        else { return nil }
        let number = { (offset: Int) in bytes[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (number(16), number(20))
    }

    @Test("One tile a series, owner-only, audited; an unknown id is exit 1", arguments: CatalogBackend.allCases)
    func contactSheet(backend: CatalogBackend) async throws {
        try await backend.withCatalog {
            let home = IngestQueryCommandTests.Home()
            defer { home.remove() }
            let ingest = try IntakeProcess.run([
                "ingest", "--home", home.path, IntakeProcess.sampleStudies + "/CSPINE_CT",
            ])
            try #require(ingest.status != 2, "\(ingest.standardError)")
            let study = "2.25.282508804042799702347409067860013032003"
            let sheet = home.path + "/sheet.png"
            let previous = umask(0)
            defer { umask(previous) }
            let outcome = try IntakeProcess.run([
                "preview", "--home", home.path, study, "--out", sheet, "--columns", "2",
            ])
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(outcome.text.contains("4 series"))
            let data = try Data(contentsOf: URL(fileURLWithPath: sheet))
            let size = try #require(pngSize(data), "a PNG")
            // Two tiles a row of a 240-pixel thumbnail and its margins; two rows under a title line.
            #expect(size.width == 2 * 256)
            #expect(size.height > 2 * 256)
            let attributes = try FileManager.default.attributesOfItem(atPath: sheet)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)

            let series = try IntakeProcess.run(["query", "series", "--home", home.path, "--format", "json"])
            let first = try #require(
                (try JSONSerialization.jsonObject(with: series.standardOutput) as? [[String: Any]])?.first?[
                    "SeriesInstanceUID"] as? String)
            let one = try IntakeProcess.run(["preview", "--home", home.path, first, "--out", sheet])
            #expect(one.text.contains("1 series"), "\(one.standardError)")

            let unknown = try IntakeProcess.run(["preview", "--home", home.path, "1.2.3.4", "--out", sheet])
            #expect(unknown.status == 1)
            #expect(unknown.standardError.contains("no accepted series, study or submission 1.2.3.4"))

            let catalog = try await CatalogLocation.resolve(IntakeProcess.catalog, home: IntakeHome(path: home.path))
                .open(mustExist: true)
            let events = try await catalog.rows(of: .event, offset: 0, limit: 1000)
            await catalog.close()
            #expect(events.contains { $0[3].text == "preview" && $0[4].text == study })
        }
    }
}
