import ArgumentParser
import Logging

/// `--log-level`, shared by every subcommand.
struct LoggingOptions: ParsableArguments {
    @Option(help: "Log level on stderr: trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .warning

    func bootstrap() {
        IntakeCommand.bootstrapLogging(level: logLevel)
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
