import ArgumentParser
import Foundation
import Intake
import Logging
import ServiceLifecycle

extension IntakeCommand {
    /// `intake watch --inbox DIR`: the daemon that takes in drops as their copies complete.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watch an inbox and take in each drop when its copy is complete.",
            discussion: """
                A top-level folder of the inbox is ready when it holds READY, or when two listings
                --settle seconds apart are identical and hold no *.partial, *.tmp or rsync temporary
                file. With --once, handles what is ready and exits. SIGTERM and SIGINT finish the
                submission in hand, claim nothing new and end any wait at once, then exit 0. Prints one
                line per drop taken: submission id, outcome, the drop by its name's hash.
                """
        )

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var limitOptions: LimitOptions
        @Option(help: "The inbox folder.") var inbox: String
        @Option(help: "Seconds between the two listings that must agree.") var settle: Double = 10
        @Option(help: "Seconds between passes when inotify says nothing.") var poll: Double = 5
        @Option(help: "Seconds a drop whose DICOMDIR lists missing files may wait before it is taken in and held.")
        var incompleteTimeout: Double = 1800
        @Option(help: "Seconds a drop may wait before staff get a letter in <inbox>/receipts/ saying why.")
        var reportWaitingAfter: Double = 600
        @Flag(help: "Handle what is ready now, then exit.") var once = false

        func validate() throws {
            if settle < 0 || poll <= 0 || incompleteTimeout < 0 || reportWaitingAfter < 0 {
                throw ValidationError(
                    "--settle, --incomplete-timeout and --report-waiting-after must be at least 0, --poll above 0")
            }
        }

        func run() async throws {
            logging.bootstrap()
            let inbox = try Inbox(
                path: self.inbox, ingester: try await homeOptions.ingester(limits: limitOptions))
            let watcher = InboxWatcher(
                inbox: inbox, settle: .milliseconds(Int(settle * 1000)), poll: poll,
                incompleteTimeout: incompleteTimeout, reportWaitingAfter: reportWaitingAfter, once: once
            ) { receipt in
                // One line per submission, written at once (not buffered) for whoever tails the output.
                // The drop by its name's tag, as in the log: staff may name folders after patients.
                let drop = Inbox.tag((receipt.source as NSString).lastPathComponent)
                let line = "\(receipt.submissionId) \(receipt.status) drop=\(drop): \(receipt.counts.instances) instances\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            // The watcher returning (after --once, or on SIGTERM/SIGINT) is the normal end, not a failure.
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: watcher, successTerminationBehavior: .gracefullyShutdownGroup)],
                    gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [],
                    logger: Logger(label: "studyintake.watch")))
            try await group.run()
        }
    }
}
