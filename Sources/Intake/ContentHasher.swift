import Crypto
import DICOM
import Foundation

/// SHA-256 of whole files, streamed through one buffer so a large file never sits whole in memory.
enum ContentHasher {
    static let chunkSize = 1 << 20

    /// One chunk of memory to stream through, owned by one worker and used for all its files.
    /// Allocating a fresh megabyte per file let glibc's dynamic mmap threshold move those chunks
    /// onto the heap, where freed ones fragmented it: the copy path's peak RSS grew with the files
    /// of a drop (86 MB for 4,010 files, 53 MB with one buffer per worker).
    final class Buffer {
        let bytes = UnsafeMutableRawBufferPointer.allocate(byteCount: ContentHasher.chunkSize, alignment: 64)
        deinit { bytes.deallocate() }
    }

    /// What tells whether an open file changed while it was read: its size and its modification and
    /// change times, in nanoseconds.
    struct Identity: Equatable {
        var size: Int64
        var modified: Int64
        var changed: Int64

        init(_ status: stat) {
            size = Int64(status.st_size)
            modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
            changed = Int64(status.st_ctim.tv_sec) * 1_000_000_000 + Int64(status.st_ctim.tv_nsec)
        }
    }

    /// The hex SHA-256 of the file at `path` and its size, reading it once.
    static func hash(fileAt path: String) throws(IntakeError) -> (hash: String, size: Int64) {
        let input = try openForReading(path)
        defer { close(input) }
        return try stream(from: input, path: path, to: nil, destination: "", using: Buffer())
    }

    /// The hex SHA-256 and size of an entry of a drop, opened only below the drop's root.
    static func hash(_ relativePath: String, in scan: MediaScan, using buffer: Buffer) throws(IntakeError) -> (
        hash: String, size: Int64
    ) {
        let input = try open(relativePath, in: scan)
        defer { close(input) }
        return try stream(from: input, path: scan.path(of: relativePath), to: nil, destination: "", using: buffer)
    }

    /// Copies an entry of a drop (opened only below its root) to a new file `destination` (0600),
    /// hashing what it reads. Returns the hash and size of what was copied. Not synced: the caller
    /// makes the copies durable together (`syncFileSystem(of:)`) before it relies on them.
    /// A source that changes while it is copied (its size or times differ afterwards) is copied
    /// again, up to three times, then refused.
    static func copy(
        _ relativePath: String, in scan: MediaScan, to destination: String, using buffer: Buffer
    ) throws(IntakeError) -> (hash: String, size: Int64) {
        let source = scan.path(of: relativePath)
        for _ in 0..<3 {
            let input = try open(relativePath, in: scan)
            defer { close(input) }
            let before = try identity(of: input, path: source)
            unlink(destination)
            let output = Glibc.open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard output >= 0 else {
                throw IntakeError.environment("cannot create \(destination): \(String(cString: strerror(errno)))")
            }
            let copied: (hash: String, size: Int64)
            do {
                defer { close(output) }
                copied = try stream(from: input, path: source, to: output, destination: destination, using: buffer)
            }
            if try identity(of: input, path: source) == before, copied.size == before.size { return copied }
        }
        throw IntakeError.unreadableDrop("\(source) kept changing while it was copied; not accepted")
    }

    /// Copies the regular file at `path` (never through a symbolic link) to a new file
    /// `destination` (0600), hashing what it reads. Not synced, as `copy(_:in:to:)`.
    static func copy(fileAt path: String, to destination: String) throws(IntakeError) -> (hash: String, size: Int64) {
        let input = try openForReading(path)
        defer { close(input) }
        let output = Glibc.open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard output >= 0 else {
            throw IntakeError.environment("cannot create \(destination): \(String(cString: strerror(errno)))")
        }
        defer { close(output) }
        return try stream(from: input, path: path, to: output, destination: destination, using: Buffer())
    }

    /// Writes every file of the file system that holds `folder` to disk (syncfs): one call for all
    /// the copies of a submission instead of an fsync per file, before the catalog records them.
    static func syncFileSystem(of folder: String) throws(IntakeError) {
        let descriptor = Glibc.open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw IntakeError.environment("cannot open \(folder): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard syncFileSystemCall(descriptor) == 0 else {
            throw IntakeError.environment("cannot write \(folder) to disk: \(String(cString: strerror(errno)))")
        }
    }

    /// glibc's syncfs(2), which Swift's Glibc module leaves out (it is a GNU extension); fsync of
    /// the folder where it is missing.
    private static let syncFileSystemCall: @convention(c) (Int32) -> Int32 = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syncfs") else { return fsync }
        return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
    }()

    private static func open(_ relativePath: String, in scan: MediaScan) throws(IntakeError) -> Int32 {
        let descriptor = scan.folder.openForReading(relativePath)
        guard descriptor >= 0 else {
            let reason =
                errno == ELOOP || errno == EXDEV
                ? "a symbolic link or a path out of the drop" : String(cString: strerror(errno))
            throw IntakeError.unreadableDrop("cannot read \(scan.path(of: relativePath)): \(reason)")
        }
        return descriptor
    }

    private static func openForReading(_ path: String) throws(IntakeError) -> Int32 {
        let descriptor = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw IntakeError.unreadableDrop("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return descriptor
    }

    private static func identity(of descriptor: Int32, path: String) throws(IntakeError) -> Identity {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw IntakeError.unreadableDrop("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        return Identity(status)
    }

    /// Reads `input` to its end through one buffer, hashing, and writing to `output` when given.
    private static func stream(
        from input: Int32, path: String, to output: Int32?, destination: String, using chunk: Buffer
    ) throws(IntakeError) -> (hash: String, size: Int64) {
        let buffer = chunk.bytes
        var hasher = SHA256()
        var size: Int64 = 0
        while true {
            let got = read(input, buffer.baseAddress, chunkSize)
            if got < 0 {
                if errno == EINTR { continue }
                throw IntakeError.unreadableDrop("cannot read \(path): \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<got])
            hasher.update(bufferPointer: chunk)
            size += Int64(got)
            if let output { try writeAll(chunk, to: output, path: destination) }
        }
        return (hasher.finalize().hexadecimal, size)
    }

    static func writeAll(_ bytes: UnsafeRawBufferPointer, to output: Int32, path: String) throws(IntakeError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(output, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                throw IntakeError.environment("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }
}
