import Foundation
import StudyCatalog
import Testing

@Suite("The review queue")
struct ReviewQueueTests {
    private func catalogWithThreeSubmissions(_ backend: CatalogBackend) async throws -> TemporaryCatalog {
        let temporary = try await backend.temporaryCatalog()
        var older = CatalogTests.submission(id: "S-OLD", study: "1.1")
        older.receivedAt = Date(timeIntervalSince1970: 1_600_000_000)
        var urgent = CatalogTests.submission(id: "S-URGENT", study: "2.2")
        urgent.priority = .urgent
        try await temporary.catalog.record(CatalogTests.submission(id: "S-NEW", study: "3.3"))
        try await temporary.catalog.record(older)
        try await temporary.catalog.record(urgent)
        return temporary
    }

    @Test("Claiming without an id takes urgent first, then the oldest", arguments: CatalogBackend.allCases)
    func claimOrder(backend: CatalogBackend) async throws {
        let temporary = try await catalogWithThreeSubmissions(backend)
        defer { temporary.remove() }
        let catalog = temporary.catalog
        #expect(try await catalog.claimReview(nil, reviewer: "a").submissionId == "S-URGENT")
        #expect(try await catalog.claimReview(nil, reviewer: "a").submissionId == "S-OLD")
        #expect(try await catalog.claimReview(nil, reviewer: "b").submissionId == "S-NEW")
        await #expect(throws: CatalogError.self) { try await catalog.claimReview(nil, reviewer: "c") }
        #expect(try await catalog.reviews(status: .claimed, reviewer: "a").map(\.submissionId) == ["S-URGENT", "S-OLD"])
    }

    @Test("Claim, release, claim again, complete; wrong transitions are refused with who has it", arguments: CatalogBackend.allCases)
    func lifecycle(backend: CatalogBackend) async throws {
        let temporary = try await catalogWithThreeSubmissions(backend)
        defer { temporary.remove() }
        let catalog = temporary.catalog
        _ = try await catalog.claimReview("S-NEW", reviewer: "house")
        do {
            _ = try await catalog.claimReview("S-NEW", reviewer: "wilson")
            Issue.record("a second claim succeeded")
        } catch {
            #expect(error.code == .stateConflict)
            #expect(error.detail.contains("claimed by house"))
        }
        #expect(try await catalog.releaseReview("S-NEW").status == .queued)
        await #expect(throws: CatalogError.self) { try await catalog.completeReview("S-NEW", outcome: nil) }
        _ = try await catalog.claimReview("S-NEW", reviewer: "wilson")
        let done = try await catalog.completeReview("S-NEW", outcome: "C3-C4 laminoplasty advised")
        #expect(done.status == .done)
        #expect(done.reviewer == "wilson")
        #expect(done.outcome == "C3-C4 laminoplasty advised")
        #expect(done.levelsOfConcern == ["C3-C4"])
        #expect(done.patientNames == ["DOE^JANE"])
        await #expect(throws: CatalogError.self) { try await catalog.releaseReview("S-NEW") }
        await #expect(throws: CatalogError.self) { try await catalog.claimReview("NO-SUCH", reviewer: "x") }
    }

    @Test("Reviewers claiming at once from separate connections: one winner per review, never two", arguments: CatalogBackend.allCases)
    func concurrentClaims(backend: CatalogBackend) async throws {
        let temporary = try await catalogWithThreeSubmissions(backend)
        defer { temporary.remove() }
        let location = temporary.location
        /// Three reviewers claim at once; the submission ids each one won.
        func race(_ id: String?) async -> [String] {
            await withTaskGroup(of: String?.self) { group in
                for reviewer in ["house", "wilson", "cuddy"] {
                    group.addTask {
                        guard let catalog = try? await backend.open(location) else { return nil }
                        let won = try? await catalog.claimReview(id, reviewer: reviewer).submissionId
                        await catalog.close()
                        return won
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
        #expect(try await temporary.catalog.reviews(status: .claimed).count == 3)
    }
}
