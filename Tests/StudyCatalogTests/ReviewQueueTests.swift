import Foundation
import Intake
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

    @Test(
        "One review per case: a resend joins the open review; new series of a done case queue one follow-up",
        arguments: CatalogBackend.allCases)
    func oneReviewPerCase(backend: CatalogBackend) async throws {
        let temporary = try await backend.temporaryCatalog()
        defer { temporary.remove() }
        let catalog = temporary.catalog
        func record(_ submission: SubmissionRecord) async throws -> ReviewPlacement? {
            try await catalog.record(submission, duplicates: DuplicateRule(), outcome: OutcomeRule(), replacing: false)
                .review
        }
        #expect(try await record(CatalogTests.submission(id: "S1")) == .queued)
        for resend in ["S2", "S3", "S4"] {
            #expect(try await record(CatalogTests.submission(id: resend)) == .joined(reviewId: "S1"))
        }
        let open = try await catalog.reviews(status: nil)
        #expect(open.map(\.submissionId) == ["S1"])
        #expect(open.first?.submissionIds == ["S1", "S2", "S3", "S4"])

        _ = try await catalog.claimReview("S1", reviewer: "wilson")
        _ = try await catalog.completeReview("S1", outcome: "no surgery")
        // The same case again with nothing new: joined to the done review, nothing queued.
        #expect(try await record(CatalogTests.submission(id: "S5")) == .joined(reviewId: "S1"))
        #expect(try await catalog.reviews(status: .queued).isEmpty)
        // A third series of the same study: a follow-up of the done review.
        #expect(try await record(CatalogTests.submission(id: "S6", series: 3)) == .followUp(of: "S1"))
        let followUp = try await catalog.reviews(status: .queued)
        #expect(followUp.map(\.submissionId) == ["S6"])
        #expect(followUp.first?.followUpOf == "S1")
        // Another resend while the follow-up is open joins the follow-up; another study is its own case.
        #expect(try await record(CatalogTests.submission(id: "S7")) == .joined(reviewId: "S6"))
        #expect(try await record(CatalogTests.submission(id: "S8", study: "9.9")) == .queued)
        #expect(try await catalog.reviews(status: .queued).map(\.submissionId).sorted() == ["S6", "S8"])
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
