import Crypto
import Foundation

/// SHA-256 of file contents, streamed in chunks so a large file never sits whole in memory.
enum ContentHasher {
    static let chunkSize = 1 << 20

    /// The hex SHA-256 of the file at `path` and its size, reading it once.
    static func hash(fileAt path: String) throws -> (hash: String, size: Int64) {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw IntakeError.unreadableDrop("cannot read \(path)")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (hex(hasher.finalize()), size)
    }

    /// Copies `source` to a new file `destination` (0600), hashing what it reads, then fsyncs the
    /// copy. Returns the source's hash and size.
    static func copy(from source: String, to destination: String) throws -> (hash: String, size: Int64) {
        guard let input = FileHandle(forReadingAtPath: source) else {
            throw IntakeError.unreadableDrop("cannot read \(source)")
        }
        defer { try? input.close() }
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw IntakeError.environment("cannot create \(destination): \(String(cString: strerror(errno)))")
        }
        let output = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try input.read(upToCount: chunkSize), !chunk.isEmpty {
                hasher.update(data: chunk)
                try output.write(contentsOf: chunk)
                size += Int64(chunk.count)
            }
            try output.synchronize()
            try output.close()
        } catch {
            throw IntakeError.environment("cannot write \(destination): \(error.localizedDescription)")
        }
        return (hex(hasher.finalize()), size)
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }
}
