import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Wakes the watcher as soon as something lands in the inbox, through inotify: the inbox itself and
/// each drop folder's top level (where `READY` appears). Polling stays the fallback: without inotify
/// the watcher just polls.
///
/// Watches are kept by watch descriptor, not by path: a drop folder claimed (renamed away) and a new
/// one of the same name give two descriptors, the first removed when its path no longer leads to it.
public final class InboxWakeUp: @unchecked Sendable {
    private let descriptor: Int32
    private let inbox: String
    /// The watch descriptor of each drop folder watched, by path.
    private var watched: [String: Int32] = [:]
    private let lock = NSLock()

    /// Nil when inotify is not available (not Linux, or out of watches): then the caller polls.
    public init?(inbox: String) {
        #if canImport(Glibc)
            let descriptor = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
            guard descriptor >= 0 else { return nil }
            self.descriptor = descriptor
            self.inbox = inbox
            guard inotify_add_watch(descriptor, inbox, Self.mask) >= 0 else {
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

    private static let mask = UInt32(IN_CREATE | IN_MOVED_TO | IN_CLOSE_WRITE | IN_DELETE | IN_ONLYDIR)

    /// Whether something changed in the inbox or a drop folder since the last call. Never blocks.
    public func somethingChanged() -> Bool {
        watchDropFolders()
        var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pollDescriptor, 1, 0) > 0
        drain()
        return ready
    }

    /// Watches each drop folder the inbox holds now (adding a watch to a folder watched already
    /// gives its own descriptor back), and removes the watches of folders no longer there.
    private func watchDropFolders() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []
        lock.lock()
        defer { lock.unlock() }
        var now: [String: Int32] = [:]
        for name in names where !name.hasPrefix(".") && name != ReceiptShelf.folderName {
            let folder = inbox + "/" + name
            let watch = inotify_add_watch(descriptor, folder, Self.mask)
            if watch >= 0 { now[folder] = watch }
        }
        for (folder, watch) in watched where now[folder] != watch && !now.values.contains(watch) {
            inotify_rm_watch(descriptor, watch)
        }
        watched = now
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while buffer.withUnsafeMutableBytes({ read(descriptor, $0.baseAddress, $0.count) }) > 0 {}
    }
}
