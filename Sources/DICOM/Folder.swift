internal import CDCMTK

#if canImport(Glibc)
    import Glibc
#endif

/// A folder held open, so that files are opened below it by descriptor: only below it, through no
/// symbolic link, and without resolving its own path again for every file.
public final class Folder: Sendable {
    public let path: String
    let descriptor: Int32

    public init(path: String) throws(DICOMReadError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let error = errno
            let code: DICOMReadError.Code =
                error == EACCES ? .permissionDenied : error == ENOENT ? .notFound : .unreadable
            throw DICOMReadError(code: code, path: path, detail: String(cString: strerror(error)))
        }
        self.path = path
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Opens a file below the folder for reading: a descriptor, or -1 with errno (ELOOP for a
    /// symbolic link, EXDEV for a path that leaves the folder).
    public func openForReading(_ relativePath: String) -> Int32 {
        cdcmtk_open_beneath(descriptor, relativePath)
    }
}
