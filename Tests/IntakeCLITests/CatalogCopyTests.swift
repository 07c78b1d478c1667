import Foundation
import TestSupport
import Testing

@Suite("intake catalog copy: a SQLite catalog into an empty PostgreSQL one, run as a program")
struct CatalogCopyTests {
    @Test("Everything is copied and answers the same; a copy into a catalog that is not empty is refused")
    func copyIntoPostgres() throws {
        let home = NSTemporaryDirectory() + "studyintake-copy-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: home) }
        let target = try TestPostgres.makeDatabase()
        defer { TestPostgres.dropDatabase(target) }
        for disc in ["CSPINE_MR", "CHARSETS", "TROUBLED", "CSPINE_MR"] {
            _ = try IntakeProcess.run(["--home", home, "ingest", "--note", "C3-4", IntakeProcess.sampleStudies + "/" + disc])
        }
        #expect(try IntakeProcess.run(["--home", home, "queue", "claim", "--reviewer", "house"]).status == 0)
        let copy = try IntakeProcess.run(["--home", home, "catalog", "copy", "--to", target, "--format", "csv"])
        #expect(copy.status == 0, "\(copy.standardError)")
        #expect(copy.text.contains("instance,") && copy.text.contains("event,"))
        let sqlite = home + "/catalog.sqlite"
        let commands: [(words: [String], options: [String])] = [
            (["stats"], ["--format", "json"]), (["query", "studies"], ["--format", "json"]),
            (["query", "instances"], ["--format", "json", "--patient-name", "doe*"]),
            (["queue", "list"], ["--format", "json"]), (["submissions", "list"], ["--format", "json"]),
        ]
        for command in commands {
            let before = try IntakeProcess.run(["--home", home] + command.words + ["--catalog", sqlite] + command.options)
            let after = try IntakeProcess.run(["--home", home] + command.words + ["--catalog", target] + command.options)
            #expect(before.status == 0 && after.status == 0, "\(command.words)")
            #expect(before.text == after.text, "\(command.words)")
        }
        // The copy goes on working: a new submission gets new row numbers.
        let more = try IntakeProcess.run(
            ["--home", home, "ingest", "--catalog", target, IntakeProcess.sampleStudies + "/ENCODINGS"])
        #expect(more.status == 0, "\(more.standardError)")
        let again = try IntakeProcess.run(["--home", home, "catalog", "copy", "--to", target])
        #expect(again.status == 2)
        #expect(again.standardError.contains("is not empty"))
    }
}
