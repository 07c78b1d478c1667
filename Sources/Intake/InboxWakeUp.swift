import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Wakes the watcher as soon as something lands in the inbox, through inotify: the inbox itself and
/// each drop folder's top level (where `READY` appears). Polling stays the fallback: every wait
/// ends after its timeout whatever happens, and without inotify the watcher just polls.
public final class InboxWakeUp: @unchecked Sendable {
    private let descriptor: Int32
    private let inbox: String
    private var watched: Set<String> = []
    private let lock = NSLock()

    /// Nil when inotify is not available (not Linux, or out of watches): then the caller polls.
    public init?(inbox: String) {
        #if canImport(Glibc)
            let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { return nil }
            self.descriptor = descriptor
            self.inbox = inbox
            guard watch(inbox) else {
                close(descriptor)
                return nil
            }
        #else
            return nil
        #endif
    }

    deinit {
        close(descriptor)
    }

    /// Waits until something changes in the inbox or a drop folder, or `timeout` passes; true when
    /// something changed.
    public func wait(timeout: TimeInterval) -> Bool {
        watchDropFolders()
        var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pollDescriptor, 1, Int32(max(0, timeout) * 1000)) > 0
        drain()
        return ready
    }

    private func watchDropFolders() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []
        for name in names where !name.hasPrefix(".") {
            _ = watch(inbox + "/" + name)
        }
    }

    @discardableResult
    private func watch(_ folder: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard !watched.contains(folder) else { return true }
        let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_ONLYDIR)
        guard inotify_add_watch(descriptor, folder, mask) >= 0 else { return false }
        watched.insert(folder)
        return true
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }
}
