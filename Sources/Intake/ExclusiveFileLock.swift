import Foundation

/// An exclusive `flock` on a lock file, held while a claim or a staging folder is worked on. The
/// kernel drops it when the process dies, so whoever can take it knows the work was abandoned.
struct ExclusiveFileLock {
    private let descriptor: Int32
    private let path: String

    /// Takes the lock; with `wait` false, throws at once when another process holds it.
    init(path: String, wait: Bool) throws(IntakeError) {
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else {
                throw IntakeError.environment("cannot open \(path): \(String(cString: strerror(errno)))")
            }
            guard flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) == 0 else {
                close(descriptor)
                throw IntakeError.environment("\(path) is held by another process")
            }
            // The file may have been released (unlinked) by its last holder while we waited: then
            // our lock is on a file nobody else can see, and we try again on the path's new file.
            var opened = stat()
            var named = stat()
            if fstat(descriptor, &opened) == 0, stat(path, &named) == 0, opened.st_ino == named.st_ino,
                opened.st_dev == named.st_dev
            {
                self.descriptor = descriptor
                self.path = path
                return
            }
            close(descriptor)
        }
    }

    /// Removes the lock file and lets go of the lock.
    func release() {
        unlink(path)
        close(descriptor)
    }

    /// Removes the lock files in `folder` that nobody holds and that no longer guard anything (a
    /// process killed between taking a lock and starting its work leaves one).
    static func removeAbandoned(in folder: String, guarding target: (String) -> String) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        for name in names where name.hasSuffix(".lock") {
            let lockPath = folder + "/" + name
            guard let lock = try? ExclusiveFileLock(path: lockPath, wait: false) else { continue }
            if FileManager.default.fileExists(atPath: target(String(name.dropLast(".lock".count)))) {
                close(lock.descriptor)
            } else {
                lock.release()
            }
        }
    }
}
