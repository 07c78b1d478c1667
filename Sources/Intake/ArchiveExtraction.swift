import Crypto
import DICOM
import Foundation

/// An archive drop unpacked into a staging folder of the intake's own: every entry `ArchiveDrop`
/// accepts is written below it (owner-only, never over an existing file, never through a link),
/// hashed as it is written, and the archive itself is copied beside the entries as received.
struct ArchiveExtraction {
    /// What was extracted: the pass's outcome, each file's SHA-256 and size, and the archive's copy.
    struct Result {
        var outcome: ArchiveDrop.Outcome
        var hashes: [String: (hash: String, size: Int64)]
        /// The archive as received, below the staging folder, with its hash and size.
        var original: Ingester.StoredFile
    }

    let limits: ArchiveDrop.Limits

    /// Unpacks the archive at `path` into `staging` (an empty folder of ours). Throws when the
    /// staging folder cannot be written (a full disk): nothing is accepted then.
    func extract(_ path: String, into staging: String) throws(IntakeError) -> Result {
        var hashes: [String: (hash: String, size: Int64)] = [:]
        let buffer = ContentHasher.Buffer()
        let outcome: ArchiveDrop.Outcome?
        outcome = try ArchiveDrop.read(path: path, limits: limits) { (member, stream) throws(IntakeError) in
            let destination = staging + "/" + member.relativePath
            try IntakeHome.makeOwnerOnlyFolder((destination as NSString).deletingLastPathComponent)
            hashes[member.relativePath] = try Self.write(stream, to: destination, using: buffer)
        }
        guard let outcome else { throw IntakeError.unreadableDrop("not an archive: \(path)") }
        // Written over nothing the archive holds: ORIGINAL.zip, else ORIGINAL-1.zip, …
        let suffix = Self.originalSuffix(format: outcome.format, name: (path as NSString).lastPathComponent)
        var name = "ORIGINAL" + suffix
        var attempt = 0
        while outcome.listing.entries.contains(where: { $0.relativePath.lowercased() == name.lowercased() }) {
            attempt += 1
            name = "ORIGINAL-\(attempt)" + suffix
        }
        let copied = try ContentHasher.copy(fileAt: path, to: staging + "/" + name)
        return Result(
            outcome: outcome, hashes: hashes,
            original: Ingester.StoredFile(relativePath: name, size: copied.size, contentHash: copied.hash))
    }

    /// Writes what `stream` hands over to a new file at `destination` (0600), hashing it; nil (and
    /// no file) when the stream broke off: a damaged entry or a limit, which the pass reports.
    private static func write(_ stream: ByteStream, to destination: String, using chunk: ContentHasher.Buffer)
        throws(IntakeError) -> (hash: String, size: Int64)?
    {
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw IntakeError.environment("cannot create \(destination): \(String(cString: strerror(errno)))")
        }
        defer { close(output) }
        let buffer = chunk.bytes
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let got = stream.read(buffer)
            if got < 0 {
                unlink(destination)
                return nil
            }
            if got == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
            hasher.update(bufferPointer: chunk)
            size += Int64(got)
            try ContentHasher.writeAll(chunk, to: output, path: destination)
        }
        return (hasher.finalize().hexadecimal, size)
    }

    /// The extension the archive is kept under: what its name says when that fits its format, else
    /// the format's own.
    static func originalSuffix(format: String, name: String) -> String {
        let lower = name.lowercased()
        for known in [".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar.zst", ".zip", ".iso", ".tar", ".7z", ".rar"]
        where lower.hasSuffix(known) {
            return known
        }
        let upper = format.uppercased()
        if upper.contains("ZIP") { return ".zip" }
        if upper.contains("ISO") { return ".iso" }
        if upper.contains("7-ZIP") || upper.contains("7ZIP") { return ".7z" }
        if upper.contains("RAR") { return ".rar" }
        return ".tar"
    }
}
