import Foundation
import Testing

@Suite("Privacy: owner-only files whatever the umask; no names or birth dates in logs")
struct PrivacyTests {
    /// Every folder 0700 and every file 0600 below `root`, and `root` itself.
    private func expectOwnerOnly(_ root: String) throws {
        let rootMode = try FileManager.default.attributesOfItem(atPath: root)[.posixPermissions] as? Int
        #expect(rootMode == 0o700, "\(root)")
        for path in try FileManager.default.subpathsOfDirectory(atPath: root) {
            let attributes = try FileManager.default.attributesOfItem(atPath: root + "/" + path)
            let mode = attributes[.posixPermissions] as? Int
            let isFolder = attributes[.type] as? FileAttributeType == .typeDirectory
            #expect(mode == (isFolder ? 0o700 : 0o600), "\(path)")
        }
    }

    @Test("Under umask 000, catalog, store and quarantine are owner-only; debug logs carry no patient data")
    func ownerOnlyAndQuietLogs() throws {
        let home = IngestQueryCommandTests.Home()
        defer { home.remove() }
        // TWO_PATIENTS and TROUBLED are held; CHARSETS over a file limit is quarantined.
        let ingest = try IntakeProcess.run(
            [
                "-c",
                "umask 000 && \"$0\" ingest --log-level debug --home \"$1\" \"$2\" \"$3\";"
                    + " \"$0\" ingest --log-level debug --home \"$1\" --max-files 1 \"$4\"",
                IntakeProcess.executable.path, home.path, IntakeProcess.sampleStudies + "/TWO_PATIENTS",
                IntakeProcess.sampleStudies + "/TROUBLED", IntakeProcess.sampleStudies + "/CHARSETS",
            ], executable: "/bin/sh")
        #expect(ingest.status == 1, "\(ingest.standardError)")
        try expectOwnerOnly(home.path)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: home.path + "/quarantine").isEmpty)
        #expect(try !FileManager.default.contentsOfDirectory(atPath: home.path + "/store").isEmpty)
        // The most talkative log level: the log is stderr; the receipt on stdout may name the disc's files.
        #expect(ingest.standardError.contains("submission"), "the log says something at debug level")
        for secret in ["MÜLLER", "MULLER", "JÜRGEN", "POE^EDGAR", "YAMADA", "山田", "19490119", "19510707", "19580101"] {
            #expect(!ingest.standardError.uppercased().contains(secret), "\(secret) in the log")
        }
    }
}
