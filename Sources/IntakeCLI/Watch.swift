import ArgumentParser
import Dispatch
import Foundation
import Intake

extension IntakeCommand {
    /// `intake watch --inbox DIR`: the daemon that takes in drops as their copies complete.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watch an inbox and take in each drop when its copy is complete.",
            discussion: """
                A top-level folder of the inbox is ready when it holds READY, or when two listings
                --settle seconds apart are identical and hold no *.partial, *.tmp or rsync temporary
                file. With --once, handles what is ready and exits. SIGTERM and SIGINT finish the
                submission in hand, then exit 0.
                """
        )

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var logging: LoggingOptions
        @Option(help: "The inbox folder.") var inbox: String
        @Option(help: "Seconds between the two listings that must agree.") var settle: Double = 10
        @Option(help: "Seconds between passes.") var poll: Double = 5
        @Option(help: "Seconds a drop whose DICOMDIR lists missing files may wait before it is quarantined.")
        var incompleteTimeout: Double = 1800
        @Flag(help: "Handle what is ready now, then exit.") var once = false

        func validate() throws {
            if settle < 0 || poll <= 0 || incompleteTimeout < 0 {
                throw ValidationError("--settle and --incomplete-timeout must be at least 0, --poll above 0")
            }
        }

        func run() async throws {
            logging.bootstrap()
            let stop = StopRequest.installed()
            let inbox = try Inbox(path: self.inbox, ingester: try Ingester(home: homeOptions.intakeHome))
            let wakeUp = once ? nil : InboxWakeUp(inbox: self.inbox)
            repeat {
                let pass = try await inbox.processReadyDrops(
                    settle: .milliseconds(Int(settle * 1000)), incompleteTimeout: incompleteTimeout)
                for receipt in pass.receipts {
                    print(
                        "\(receipt.submissionId) \(receipt.status) \(receipt.source): \(receipt.counts.instances) instances"
                    )
                }
                if once || stop.isRequested { break }
                // A drop still being copied is looked at again at once: the pass itself waits --settle.
                if pass.waiting > 0 && settle > 0 { continue }
                // Woken by inotify when something lands (checked every 0.2 s for a stop request),
                // else after --poll seconds.
                let deadline = Date().addingTimeInterval(poll)
                while Date() < deadline && !stop.isRequested {
                    if let wakeUp {
                        if wakeUp.wait(timeout: min(0.2, deadline.timeIntervalSinceNow)) { break }
                    } else {
                        try? await Task.sleep(for: .milliseconds(100))
                    }
                }
            } while !stop.isRequested
        }
    }
}

/// SIGTERM or SIGINT seen: the watcher finishes the submission in hand, then stops.
final class StopRequest: @unchecked Sendable {
    private let lock = NSLock()
    private var requested = false
    private var sources: [any DispatchSourceSignal] = []

    var isRequested: Bool {
        lock.lock()
        defer { lock.unlock() }
        return requested
    }

    static func installed() -> StopRequest {
        let request = StopRequest()
        for signalNumber in [SIGTERM, SIGINT] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [request] in
                request.lock.lock()
                request.requested = true
                request.lock.unlock()
            }
            source.resume()
            request.sources.append(source)
        }
        return request
    }
}
