import Foundation

/// `<inbox>/receipts/`: where staff find a letter for every drop the daemon takes, and for every
/// drop that waits too long, as `<drop name>.txt` and `.html`, readable by the inbox's group. A
/// drop's waiting letter is replaced by its receipt; a later drop of the same name gets its
/// submission id added to the name.
struct ReceiptShelf: Sendable {
    /// The inbox's folder of letters: never taken for a drop.
    static let folderName = "receipts"

    let path: String

    init(inbox: String) {
        path = inbox + "/" + Self.folderName
    }

    /// Files the letter of a drop taken in. Returns the text file's path.
    @discardableResult
    func file(_ letter: ReceiptLetter, dropName: String, submissionId: String) throws(IntakeError) -> String {
        var base = dropName
        let existing = path + "/" + dropName + ".txt"
        if let text = try? String(contentsOfFile: existing, encoding: .utf8), !text.hasPrefix(Self.waitingPrefix) {
            base = dropName + " " + submissionId
        }
        return try write(letter, as: base)
    }

    /// Files the letter of a drop that waits, unless a receipt of a drop of that name is there or
    /// the same letter is.
    func fileWaiting(_ letter: ReceiptLetter, dropName: String) throws(IntakeError) {
        let existing = path + "/" + dropName + ".txt"
        if let text = try? String(contentsOfFile: existing, encoding: .utf8),
            !text.hasPrefix(Self.waitingPrefix) || text == letter.text
        {
            return
        }
        try write(letter, as: dropName)
    }

    /// Removes the waiting letters of entries that left the inbox without being taken (`present`
    /// holds the inbox's entries now).
    func removeWaitingLetters(except present: Set<String>) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        for name in names where name.hasSuffix(".txt") && !name.hasPrefix(".") {
            let drop = String(name.dropLast(".txt".count))
            guard !present.contains(drop),
                let text = try? String(contentsOfFile: path + "/" + name, encoding: .utf8),
                text.hasPrefix(Self.waitingPrefix)
            else { continue }
            unlink(path + "/" + name)
            unlink(path + "/" + drop + ".html")
        }
    }

    private static let waitingPrefix = "Waiting —"

    /// Writes both files whole (a temporary name, then a rename), 0640: the inbox's group reads them.
    private func write(_ letter: ReceiptLetter, as base: String) throws(IntakeError) -> String {
        try makeFolder()
        for (suffix, contents) in [(".html", letter.html), (".txt", letter.text)] {
            let final = path + "/" + base + suffix
            let temporary = path + "/." + base + suffix + ".partial"
            let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o640)
            guard descriptor >= 0 else {
                throw IntakeError.environment("cannot write a receipt in \(path): \(String(cString: strerror(errno)))")
            }
            let bytes = Array(contents.utf8)
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            fchmod(descriptor, 0o640)
            let closed = close(descriptor) == 0
            guard written == bytes.count, closed, rename(temporary, final) == 0 else {
                unlink(temporary)
                throw IntakeError.environment("cannot write a receipt in \(path): \(String(cString: strerror(errno)))")
            }
        }
        return path + "/" + base + ".txt"
    }

    /// The folder, group-readable (0750, keeping the inbox's setgid bit) whatever the umask.
    private func makeFolder() throws(IntakeError) {
        var status = stat()
        if lstat(path, &status) != 0 {
            guard mkdir(path, 0o750) == 0 || errno == EEXIST else {
                throw IntakeError.environment("cannot create \(path): \(String(cString: strerror(errno)))")
            }
            var inbox = stat()
            let setgid = stat((path as NSString).deletingLastPathComponent, &inbox) == 0 ? inbox.st_mode & S_ISGID : 0
            chmod(path, mode_t(0o750) | setgid)
        } else if (status.st_mode & S_IFMT) != S_IFDIR {
            throw IntakeError.environment("\(path) is not a folder")
        }
    }
}
