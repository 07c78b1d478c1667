internal import CDCMTK

/// Why a file could not be read as DICOM, with the path and DCMTK's own detail.
public struct DICOMReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure. Raw values are stable kebab-case codes for reports and JSON.
    public enum Code: String, Sendable, Hashable, Codable {
        case notFound = "not-found"
        case permissionDenied = "permission-denied"
        case notRegularFile = "not-regular-file"
        case symlinkNotFollowed = "symlink-not-followed"
        case unreadable = "unreadable"
        case notDICOM = "not-dicom"
        case truncated = "truncated"
        case malformed = "malformed"
        case dictionaryMissing = "dictionary-missing"
        case pathEscapesMedia = "path-escape"
        case listedButMissing = "dicomdir-missing-file"
        case internalError = "internal-error"
        case limitExceeded = "limit-exceeded"
        /// An archive entry that is encrypted.
        case encryptedEntry = "encrypted-entry"
        /// An archive that cannot be read past a point, or a part of a split one.
        case archiveDamaged = "archive-damaged"
        /// A second archive entry of a name already taken.
        case duplicateEntry = "duplicate-entry"
        /// Something DCMTK cannot do with this file: decode its transfer syntax, say.
        case unsupported = "unsupported"
    }

    public let code: Code
    /// The file concerned, as given by the caller.
    public let path: String
    /// DCMTK's or the system's own words, for people.
    public let detail: String

    public init(code: Code, path: String, detail: String) {
        self.code = code
        self.path = path
        self.detail = detail
    }

    /// One line for the command line: the path, then what is wrong with it.
    public var description: String { "\(path): \(summary)" }

    /// What is wrong, without the path.
    public var summary: String {
        let summary: String
        switch code {
        case .notFound: summary = "no such file"
        case .permissionDenied: summary = "permission denied"
        case .notRegularFile: summary = "not a regular file"
        case .symlinkNotFollowed: summary = "symbolic link, not followed"
        case .unreadable: summary = "could not be read"
        case .notDICOM: summary = "not a DICOM file"
        case .truncated: summary = "truncated DICOM file"
        case .malformed: summary = "malformed DICOM file"
        case .dictionaryMissing: summary = "DCMTK's data dictionary is missing"
        case .pathEscapesMedia: summary = "refused: the reference leaves the disc"
        case .listedButMissing: summary = "listed in the DICOMDIR but not on the disc"
        case .internalError: summary = "internal error in the DICOM reader"
        case .limitExceeded: summary = "beyond a configured reading limit"
        case .encryptedEntry: summary = "encrypted archive entry"
        case .archiveDamaged: summary = "damaged archive"
        case .duplicateEntry: summary = "duplicate archive entry"
        case .unsupported: summary = "not supported by DCMTK"
        }
        return detail.isEmpty ? summary : "\(summary): \(detail)"
    }

    /// Takes ownership of a native error, frees it, and returns its Swift value.
    init(consuming native: OpaquePointer?, path: String) {
        guard let native else {
            self.init(code: .internalError, path: path, detail: "DCMTK reported a failure without an error")
            return
        }
        defer { cdcmtk_error_free(native) }
        let message = String(cString: cdcmtk_error_get_message(native))
        let code: Code
        switch cdcmtk_error_get_code(native) {
        case CDCMTK_ERROR_NOT_FOUND: code = .notFound
        case CDCMTK_ERROR_PERMISSION_DENIED: code = .permissionDenied
        case CDCMTK_ERROR_NOT_REGULAR_FILE: code = .notRegularFile
        case CDCMTK_ERROR_SYMBOLIC_LINK: code = .symlinkNotFollowed
        case CDCMTK_ERROR_UNREADABLE: code = .unreadable
        case CDCMTK_ERROR_NOT_DICOM: code = .notDICOM
        case CDCMTK_ERROR_TRUNCATED: code = .truncated
        case CDCMTK_ERROR_MALFORMED: code = .malformed
        case CDCMTK_ERROR_LIMIT_EXCEEDED: code = .limitExceeded
        case CDCMTK_ERROR_DICTIONARY_MISSING: code = .dictionaryMissing
        case CDCMTK_ERROR_UNSUPPORTED: code = .unsupported
        default: code = .internalError
        }
        // The code says all there is to say about a refused link.
        self.init(code: code, path: path, detail: code == .symlinkNotFollowed ? "" : message)
    }
}
