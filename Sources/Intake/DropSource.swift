import DICOM
import Foundation

/// What a PATH given to ingest, validate or the inbox is: a folder, or an archive recognised by its
/// content (.zip, .iso, .tar, .tar.gz, .7z whatever its name says).
enum DropSource {
    case folder(MediaScan)
    case archive(path: String)

    /// The drop at `path`: a folder itself, not a symbolic link to one (with or without a trailing
    /// slash), or a regular file that is an archive.
    static func at(_ path: String, maxEntries: Int = .max) throws(IntakeError) -> DropSource {
        let given = MediaScan.withoutTrailingSlashes(path)
        var status = stat()
        guard lstat(given, &status) == 0 else { throw IntakeError.unreadableDrop("no such folder or archive: \(given)") }
        switch status.st_mode & S_IFMT {
        case S_IFDIR:
            do throws(DICOMReadError) {
                return .folder(try MediaScan(root: given, maxEntries: maxEntries))
            } catch {
                throw IntakeError.unreadableDrop(error.description)
            }
        case S_IFREG where ArchiveDrop.isArchive(path: given):
            return .archive(path: given)
        default:
            throw IntakeError.unreadableDrop(
                "neither a folder nor an archive (.zip, .iso, .tar, .tar.gz, .7z; symbolic links are not followed): \(given)"
            )
        }
    }

    /// The path the drop was read from.
    var path: String {
        switch self {
        case .folder(let scan): return scan.root
        case .archive(let path): return path
        }
    }
}
