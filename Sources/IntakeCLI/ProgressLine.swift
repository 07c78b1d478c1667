import Foundation

/// A progress line on stderr for long ingests, only when stderr is a terminal, so that scripts and
/// logs never see it.
enum ProgressLine {
    static let isTerminal = isatty(STDERR_FILENO) == 1

    /// A progress callback that redraws `label: done/total files` at most ten times a second, or nil
    /// when stderr is not a terminal.
    static func forTerminal(label: String) -> (@Sendable (Int, Int) -> Void)? {
        guard isTerminal else { return nil }
        let lastDrawn = LastDrawn()
        return { done, total in
            guard lastDrawn.shouldDraw(final: done + 1 == total) else { return }
            FileHandle.standardError.write(Data("\r\u{1B}[K\(label): \(done + 1)/\(total) files".utf8))
        }
    }

    /// Erases the line.
    static func clear() {
        if isTerminal { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private final class LastDrawn: @unchecked Sendable {
        private let lock = NSLock()
        private var time = Date.distantPast

        func shouldDraw(final: Bool) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            let now = Date()
            guard final || now.timeIntervalSince(time) >= 0.1 else { return false }
            time = now
            return true
        }
    }
}
