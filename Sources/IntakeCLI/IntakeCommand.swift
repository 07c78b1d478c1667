import ArgumentParser
import Logging

/// `intake`: takes in patients' CT and MRI discs, catalogs them and queues them for review.
@main
struct IntakeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Take in patients' CT and MRI discs for a second opinion.",
        discussion: """
            Exit codes: 0 success, 1 the data has errors, 2 usage or environment error.
            """,
        subcommands: [Inspect.self]
    )

    /// Logs go to stderr, never stdout, which carries the data.
    static func bootstrapLogging(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
