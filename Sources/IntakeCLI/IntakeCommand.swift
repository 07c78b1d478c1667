import ArgumentParser
import Foundation
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
        subcommands: [
            Inspect.self, Validate.self, Ingest.self, Query.self, Show.self, Queue.self, Submissions.self, Stats.self,
            Watch.self, Check.self, CatalogCommand.self, Serve.self, Preview.self,
        ]
    )

    /// Runs the command and maps every outcome onto the contract's exit codes: 0 success, 1 the
    /// data has errors (commands throw `ExitCode(1)`), 2 usage or environment error, with one
    /// clear line on stderr. ArgumentParser alone would exit 64 on a usage error.
    static func main() async {
        // A file-size limit (ulimit -f) would kill the process mid-copy with SIGXFSZ; ignored, the
        // write fails with EFBIG and the ingest stops cleanly, like a full disk (ENOSPC).
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot(Self.movingLeadingHome(Array(CommandLine.arguments.dropFirst())))
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("intake: \(message)\n".utf8))
            Foundation.exit(2)
        }
    }

    /// `intake --home DIR COMMAND …`, the contract's form, becomes `$INTAKE_HOME` for the
    /// subcommand, which also takes `--home` itself.
    static func movingLeadingHome(_ arguments: [String]) -> [String] {
        var arguments = arguments
        if arguments.count >= 2, arguments[0] == "--home" {
            setenv("INTAKE_HOME", arguments[1], 1)
            arguments.removeFirst(2)
        } else if let first = arguments.first, first.hasPrefix("--home=") {
            setenv("INTAKE_HOME", String(first.dropFirst("--home=".count)), 1)
            arguments.removeFirst()
        }
        return arguments
    }

    /// Logs go to stderr, never stdout, which carries the data.
    static func bootstrapLogging(level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
