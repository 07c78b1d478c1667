import ArgumentParser
import Foundation
import Intake
import StudyCatalog

extension IntakeCommand {
    /// `intake submissions list|release|dismiss|retry`: what became of every disc, and the
    /// decisions staff take on the ones held or quarantined.
    struct Submissions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "What became of every disc: list them, release or dismiss a held one, retry a quarantined one.",
            subcommands: [SubmissionsList.self, SubmissionsRelease.self, SubmissionsDismiss.self, SubmissionsRetry.self]
        )
    }
}

/// `intake submissions list`.
struct SubmissionsList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Submissions, newest first, with their outcome and why.",
        discussion: """
            accepted: queued for review. held: cataloged, waiting for a person to release or dismiss
            it. quarantined: nothing on it could be used. dismissed: a person decided it is not to be
            reviewed.
            """)

    enum StatusFilter: String, ExpressibleByArgument, CaseIterable {
        case accepted, held, quarantined, dismissed, all
    }

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @Option(help: "accepted, held, quarantined, dismissed or all.") var status: StatusFilter = .all
    @Option(help: "At most this many, newest first.") var limit: Int?
    @Option(help: "Output format: table, json or csv.") var format: DataFormat = .table

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let catalog = try await homeOptions.openExistingCatalog(logging: logging)
        // `all` names no state: every submission.
        let submissions = try await catalog.submissions(
            SubmissionFilter(state: SubmissionSummary.State(rawValue: status.rawValue), limit: limit))
        try format.print(submissions.map(OutputRecord.init(submission:)), tableColumns: OutputRecord.submissionColumns)
    }
}

/// `intake submissions release ID --by NAME`.
struct SubmissionsRelease: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Send a held submission on to review after checking it: accepted, its review queued.",
        discussion: "Exits 1 when ID is not a held submission nobody decided yet.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @Option(help: "Who decided (kept in the audit trail).") var by: String
    @Option(help: "Why, for whoever looks later.") var note: String?
    @Option(help: "Output format: table, json or csv.") var format: DataFormat = .table
    @Argument(help: "The held submission's id.") var id: String

    func run() async throws {
        let catalog = try await homeOptions.openExistingCatalog(logging: logging)
        try await printDecision(.release(by: by, note: note), of: id, in: catalog, format: format)
    }
}

/// `intake submissions dismiss ID --by NAME --reason TEXT`.
struct SubmissionsDismiss: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dismiss",
        abstract: "Decide that a held or quarantined submission is not to be reviewed; its files are kept.",
        discussion: "Exits 1 when ID is not a held or quarantined submission nobody decided yet.")

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @Option(help: "Who decided (kept in the audit trail).") var by: String
    @Option(help: "Why, for whoever looks later (\"wrong patient's disc; the patient sends theirs\").")
    var reason: String
    @Option(help: "Output format: table, json or csv.") var format: DataFormat = .table
    @Argument(help: "The submission's id.") var id: String

    func run() async throws {
        let catalog = try await homeOptions.openExistingCatalog(logging: logging)
        try await printDecision(.dismiss(by: by, reason: reason), of: id, in: catalog, format: format)
    }
}

/// Applies a decision and prints the submission as it now is; a submission not in a state that
/// allows it is one line on stderr and exit 1.
private func printDecision(
    _ decision: SubmissionDecision, of id: String, in catalog: any Catalog, format: DataFormat
) async throws {
    do {
        try await catalog.decide(id, decision, outcome: OutcomeRule())
    } catch {
        guard error.code == .stateConflict || error.code == .notFound else { throw error }
        FileHandle.standardError.write(Data("intake: \(error.context): \(error.detail)\n".utf8))
        throw ExitCode(1)
    }
    let now = try await catalog.submissions(SubmissionFilter(id: id))
    try format.print(now.map(OutputRecord.init(submission:)), tableColumns: OutputRecord.submissionColumns)
}

/// `intake submissions retry ID`.
struct SubmissionsRetry: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Read a quarantined submission again, as the same entry (after a limit was raised, say).",
        discussion: """
            Prints its receipt. Exits 1 when it is not accepted this time either, 2 when ID is not a
            quarantined submission.
            """)

    @OptionGroup var homeOptions: HomeOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var limitOptions: LimitOptions
    @Option(help: "Output format: text or json.") var format: ReportFormat = .text
    @Argument(help: "The quarantined submission's id.") var id: String

    func run() async throws {
        logging.bootstrap()
        let receipt = try await homeOptions.ingester(limits: limitOptions).retry(id)
        switch format {
        case .json: try printJSON(receipt)
        case .text: print(receipt.text)
        }
        if receipt.needsAPerson { throw ExitCode(1) }
    }
}

extension OutputRecord {
    /// The table's columns: the full id staff release or dismiss by; the reasons are in JSON and
    /// CSV, in `intake show` and on the receipt.
    static let submissionColumns = [
        ("submissionId", "Submission"), ("status", "Status"), ("source", "Source"), ("PatientName", "Patient"),
    ]

    /// JSON: `submissionId`, `status` (`dismissed` for a dismissed one), `source` (the drop's own
    /// name), `receivedAt`, `PatientName` (each patient as on the disc), `reasons` in plain words,
    /// `findings` (codes), and the person's decision when there was one.
    init(submission: SubmissionSummary) {
        fields = [
            ("submissionId", .text(submission.id)), ("status", .text(submission.state.rawValue)),
            ("source", .text((submission.source as NSString).lastPathComponent)),
            ("receivedAt", .time(submission.receivedAt)), ("PatientName", .texts(submission.patientNames)),
            ("reasons", .texts(OutcomeRule.reasons(status: submission.status, findingCodes: submission.findingCodes))),
            ("findings", .texts(submission.findingCodes)),
            ("decidedBy", submission.decision.map { .text($0.by) }),
            ("decidedAt", submission.decision.map { .time($0.at) }),
            ("decisionNote", submission.decision?.note.map { .text($0) }),
        ]
    }
}
