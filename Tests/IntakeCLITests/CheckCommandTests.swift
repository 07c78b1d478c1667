import Foundation
import Testing

@Suite("intake check: the catalog against the disk")
struct CheckCommandTests {
    typealias Home = IngestQueryCommandTests.Home

    private func differences(_ home: Home) throws -> (status: Int32, codes: [String: String]) {
        let outcome = try IntakeProcess.run(["check", "--home", home.path, "--format", "json"])
        let report = try #require(try JSONSerialization.jsonObject(with: outcome.standardOutput) as? [String: Any])
        let list = try #require(report["differences"] as? [[String: Any]])
        var codes: [String: String] = [:]
        for difference in list {
            codes[(difference["path"] as? String ?? "") as String] = difference["code"] as? String
        }
        return (outcome.status, codes)
    }

    @Test("A fresh catalog checks clean; each kind of damage is named and exits 1", arguments: CatalogBackend.allCases)
    func damage(backend: CatalogBackend) async throws {
        try await backend.withCatalog(damage)
    }

    private func damage() throws {
        let home = Home()
        defer { home.remove() }
        let drop = NSTemporaryDirectory() + "studyintake-check-drop-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: drop) }
        try FileManager.default.copyItem(atPath: IntakeProcess.sampleStudies + "/CSPINE_CT", toPath: drop)
        #expect(
            try IntakeProcess.run(["ingest", "--home", home.path, IntakeProcess.sampleStudies + "/CSPINE_MR"]).status
                == 0)
        #expect(try IntakeProcess.run(["ingest", "--home", home.path, "--in-place", drop]).status == 0)
        let clean = try differences(home)
        #expect(clean.status == 0)
        #expect(clean.codes.isEmpty)

        let store = home.path + "/store"
        let submission = try #require(
            try FileManager.default.contentsOfDirectory(atPath: store).first { !$0.hasPrefix(".") })
        let files = try #require(FileManager.default.subpaths(atPath: store + "/" + submission))
            .filter { !$0.hasSuffix("DICOMDIR") }.sorted().map { store + "/" + submission + "/" + $0 }
            .filter {
                var isFolder: ObjCBool = false;
                return FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && !isFolder.boolValue
            }
        #expect(files.count > 4)
        try FileManager.default.removeItem(atPath: files[0])
        try Data("x".utf8).write(to: URL(fileURLWithPath: files[1]), options: .atomic)
        // Same size, one byte changed in the middle of the pixel data.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: files[2]))
        bytes[bytes.count - 10] ^= 0xFF
        try bytes.write(to: URL(fileURLWithPath: files[2]))
        try Data("stray".utf8).write(to: URL(fileURLWithPath: store + "/" + submission + "/STRAY.TXT"))
        try FileManager.default.createDirectory(atPath: store + "/not-a-submission", withIntermediateDirectories: true)
        // In place: the drop's header changes after cataloging (same size).
        let inPlaceFile = try #require(
            FileManager.default.subpaths(atPath: drop)?.sorted().first { $0.hasSuffix(".dcm") })
        var header = try Data(contentsOf: URL(fileURLWithPath: drop + "/" + inPlaceFile))
        let marker = try #require(header.range(of: Data("ORIGINAL".utf8)))
        header[marker.lowerBound] = UInt8(ascii: "X")
        try header.write(to: URL(fileURLWithPath: drop + "/" + inPlaceFile))

        let damaged = try differences(home)
        #expect(damaged.status == 1)
        #expect(damaged.codes[files[0]] == "missing-file")
        #expect(damaged.codes[files[1]] == "size-mismatch")
        #expect(damaged.codes[files[2]] == "content-mismatch")
        #expect(damaged.codes[store + "/" + submission + "/STRAY.TXT"] == "unknown-file")
        #expect(damaged.codes[store + "/not-a-submission"] == "unknown-folder")
        #expect(damaged.codes[drop + "/" + inPlaceFile] == "content-mismatch")
        #expect(damaged.codes.count == 6)
    }
}
