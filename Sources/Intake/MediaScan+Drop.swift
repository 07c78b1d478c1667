import DICOM
import Foundation

extension MediaScan {
    /// Lists a drop: `path` must be a folder itself, not a symbolic link to one (with or without a
    /// trailing slash). Shared by ingest and validate.
    static func drop(at path: String, maxEntries: Int = .max) throws(IntakeError) -> MediaScan {
        let folder = withoutTrailingSlashes(path)
        var status = stat()
        guard lstat(folder, &status) == 0 else { throw IntakeError.unreadableDrop("no such folder: \(folder)") }
        guard (status.st_mode & S_IFMT) == S_IFDIR else {
            throw IntakeError.unreadableDrop("not a folder (symbolic links are not followed): \(folder)")
        }
        do throws(DICOMReadError) {
            return try MediaScan(root: folder, maxEntries: maxEntries)
        } catch {
            throw IntakeError.unreadableDrop(error.description)
        }
    }
}
