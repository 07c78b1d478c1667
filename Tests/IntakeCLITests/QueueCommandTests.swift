import Foundation
import Testing

@Suite("intake queue, run as a program")
struct QueueCommandTests {
    @Test("Two processes claim one review at once: one wins, the other is told who has it", arguments: CatalogBackend.allCases)
    func concurrentClaimProcesses(backend: CatalogBackend) async throws {
        try await backend.withCatalog(concurrentClaimProcesses)
    }

    private func concurrentClaimProcesses() throws {
        let home = NSTemporaryDirectory() + "studyintake-queue-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: home) }
        let ingest = try IntakeProcess.run([
            "ingest", "--home", home, "--format", "json", "--priority", "urgent",
            IntakeProcess.sampleStudies + "/CSPINE_CT",
        ])
        let receipts = try #require(try JSONSerialization.jsonObject(with: ingest.standardOutput) as? [[String: Any]])
        let id = try #require(receipts.first?["submissionId"] as? String)

        let claims = ["house", "wilson"].map { reviewer -> (Process, Pipe) in
            let process = IntakeProcess.unstarted([
                "queue", "claim", id, "--home", home, "--reviewer", reviewer, "--format", "csv",
            ])
            let error = Pipe()
            process.standardError = error
            return (process, error)
        }
        for (process, _) in claims { try process.run() }
        var statuses: [Int32] = []
        var messages: [String] = []
        for (process, error) in claims {
            let text = String(decoding: error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            statuses.append(process.terminationStatus)
            messages.append(text)
        }
        #expect(statuses.sorted() == [0, 1])
        #expect(messages.contains { $0.hasPrefix("intake: review of \(id): it is claimed by ") })

        let list = try IntakeProcess.run(["queue", "list", "--home", home, "--status", "claimed", "--format", "json"])
        let reviews = try #require(try JSONSerialization.jsonObject(with: list.standardOutput) as? [[String: Any]])
        #expect(reviews.count == 1)
        #expect(reviews.first?["priority"] as? String == "urgent")

        let complete = try IntakeProcess.run([
            "queue", "complete", id, "--home", home, "--outcome", "no surgery", "--format", "json",
        ])
        #expect(complete.status == 0)
        let again = try IntakeProcess.run(["queue", "release", id, "--home", home])
        #expect(again.status == 1)
        #expect(
            again.standardError
                == "intake: review of \(id): it is done by \(reviews.first?["reviewer"] as? String ?? ""), not claimed\n"
        )
        let show = try IntakeProcess.run(["queue", "show", id, "--home", home])
        #expect(show.text.contains("review done"))
    }
}
