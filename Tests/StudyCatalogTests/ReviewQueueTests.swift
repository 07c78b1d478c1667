import Foundation
import StudyCatalog
import Testing

@Suite("The review queue")
struct ReviewQueueTests {
    private func catalogWithThreeSubmissions() throws -> CatalogTests.TemporaryCatalog {
        let temporary = try CatalogTests.TemporaryCatalog()
        var older = CatalogTests.submission(id: "S-OLD", study: "1.1")
        older.receivedAt = Date(timeIntervalSince1970: 1_600_000_000)
        var urgent = CatalogTests.submission(id: "S-URGENT", study: "2.2")
        urgent.priority = .urgent
        try temporary.catalog.record(CatalogTests.submission(id: "S-NEW", study: "3.3"))
        try temporary.catalog.record(older)
        try temporary.catalog.record(urgent)
        return temporary
    }

    @Test("Claiming without an id takes urgent first, then the oldest")
    func claimOrder() throws {
        let temporary = try catalogWithThreeSubmissions()
        defer { temporary.remove() }
        let catalog = temporary.catalog
        #expect(try catalog.claimReview(nil, reviewer: "a").submissionId == "S-URGENT")
        #expect(try catalog.claimReview(nil, reviewer: "a").submissionId == "S-OLD")
        #expect(try catalog.claimReview(nil, reviewer: "b").submissionId == "S-NEW")
        #expect(throws: CatalogError.self) { try catalog.claimReview(nil, reviewer: "c") }
        #expect(try catalog.reviews(status: .claimed, reviewer: "a").map(\.submissionId) == ["S-URGENT", "S-OLD"])
    }

    @Test("Claim, release, claim again, complete; wrong transitions are refused with who has it")
    func lifecycle() throws {
        let temporary = try catalogWithThreeSubmissions()
        defer { temporary.remove() }
        let catalog = temporary.catalog
        _ = try catalog.claimReview("S-NEW", reviewer: "house")
        do {
            _ = try catalog.claimReview("S-NEW", reviewer: "wilson")
            Issue.record("a second claim succeeded")
        } catch {
            #expect(error.code == .stateConflict)
            #expect(error.detail.contains("claimed by house"))
        }
        #expect(try catalog.releaseReview("S-NEW").status == .queued)
        #expect(throws: CatalogError.self) { try catalog.completeReview("S-NEW", outcome: nil) }
        _ = try catalog.claimReview("S-NEW", reviewer: "wilson")
        let done = try catalog.completeReview("S-NEW", outcome: "C3-C4 laminoplasty advised")
        #expect(done.status == .done)
        #expect(done.reviewer == "wilson")
        #expect(done.outcome == "C3-C4 laminoplasty advised")
        #expect(done.levelsOfConcern == ["C3-C4"])
        #expect(done.patientNames == ["DOE^JANE"])
        #expect(throws: CatalogError.self) { try catalog.releaseReview("S-NEW") }
        #expect(throws: CatalogError.self) { try catalog.claimReview("NO-SUCH", reviewer: "x") }
    }

    @Test("Reviewers claiming at once from separate connections: one winner per review, never two")
    func concurrentClaims() async throws {
        let temporary = try catalogWithThreeSubmissions()
        defer { temporary.remove() }
        let path = temporary.catalog.path
        /// Three reviewers claim at once; the submission ids each one won.
        func race(_ id: String?) async -> [String] {
            await withTaskGroup(of: String?.self) { group in
                for reviewer in ["house", "wilson", "cuddy"] {
                    group.addTask {
                        guard let catalog = try? Catalog(path: path) else { return nil }
                        return try? catalog.claimReview(id, reviewer: reviewer).submissionId
                    }
                }
                var won: [String] = []
                for await submission in group { if let submission { won.append(submission) } }
                return won
            }
        }
        #expect(await race("S-OLD") == ["S-OLD"])
        let next = await race(nil)
        #expect(next.sorted() == ["S-NEW", "S-URGENT"])
        #expect(try temporary.catalog.reviews(status: .claimed).count == 3)
    }
}
