import Foundation
import Logging
import ServiceLifecycle

/// The inbox daemon as a swift-service-lifecycle `Service`: passes over the inbox, woken by inotify
/// or every `poll` seconds, until a graceful shutdown (SIGTERM, SIGINT), which lets the submission
/// in hand finish first.
public struct InboxWatcher: Service {
    let inbox: Inbox
    let settle: Duration
    let poll: TimeInterval
    let incompleteTimeout: TimeInterval
    let reportWaitingAfter: TimeInterval
    let once: Bool
    let report: @Sendable (Receipt) -> Void

    /// - Parameters:
    ///   - reportWaitingAfter: seconds a drop waits before staff get a letter saying why.
    ///   - once: one pass, then return (cron, tests).
    ///   - report: called with each receipt as its drop is taken in.
    public init(
        inbox: Inbox, settle: Duration, poll: TimeInterval, incompleteTimeout: TimeInterval,
        reportWaitingAfter: TimeInterval, once: Bool, report: @escaping @Sendable (Receipt) -> Void
    ) {
        self.inbox = inbox
        self.settle = settle
        self.poll = poll
        self.incompleteTimeout = incompleteTimeout
        self.reportWaitingAfter = reportWaitingAfter
        self.once = once
        self.report = report
    }

    public func run() async throws {
        let wakeUp = once ? nil : InboxWakeUp(inbox: inbox.path)
        while true {
            var waiting = 0
            do {
                let pass = try await inbox.processReadyDrops(
                    settle: settle, incompleteTimeout: incompleteTimeout, reportWaitingAfter: reportWaitingAfter)
                pass.receipts.forEach(report)
                waiting = pass.waiting
            } catch {
                // A full disk or a busy catalog fails this pass, not the daemon: the drops stay in
                // the inbox and the next pass tries again.
                if once { throw error }
                Logger(label: "studyintake.watch").error("pass failed; trying again", metadata: ["error": "\(error)"])
            }
            if once || Task.isShuttingDownGracefully { return }
            // A drop still being copied is looked at again at once: the pass itself waits `settle`.
            if waiting > 0 && settle > .zero { continue }
            // Idle until inotify reports a change, `poll` passes, or a shutdown begins; inotify is
            // asked without blocking, between short sleeps that hold no thread.
            let deadline = Date().addingTimeInterval(poll)
            while Date() < deadline && !Task.isShuttingDownGracefully {
                if wakeUp?.somethingChanged() == true { break }
                try? await Task.sleep(for: .milliseconds(100))
            }
            if Task.isShuttingDownGracefully { return }
        }
    }
}
