import DICOM
import Foundation
import Intake
import StudyCatalog

/// Where the server reads instances from (`IntakeHome.file`: below the folder of the accepted
/// submission the catalog names, never a path from request text), and what it keeps derived from
/// them. Each instance's header as DICOM JSON is read once and kept in the cache, named by the
/// header's digest (so a changed file is a new entry, never a stale one).
struct StoredFiles: Sendable {
    let home: IntakeHome

    var metadataFolder: String { home.cachePath + "/metadata" }
    var conversionFolder: String { home.cachePath + "/converted" }

    func prepare() throws(IntakeError) {
        try IntakeHome.makeOwnerOnlyFolder(metadataFolder)
        try IntakeHome.makeOwnerOnlyFolder(conversionFolder)
    }

    func file(_ instance: StoredInstance) throws(DICOMReadError) -> StoredInstanceFile {
        try home.file(instance)
    }

    /// The instance's header as a DICOM JSON object, its bulk data URIs relative (`bulk/TAG`).
    func metadata(_ instance: StoredInstance) throws(DICOMReadError) -> [UInt8] {
        let cached = metadataFolder + "/" + Self.metadataVersion + "-" + Self.fileName(instance.headerDigest) + ".json"
        if let bytes = FileManager.default.contents(atPath: cached) { return Array(bytes) }
        let json = try file(instance).json(bulkDataPrefix: Self.relativeBulkPrefix)
        keep(json, at: cached)
        return json
    }

    /// A new owner-only file path for a converted copy; the caller removes it.
    func temporaryCopyPath(_ instance: StoredInstance) -> String {
        conversionFolder + "/" + Self.fileName(instance.sopInstanceUID) + "-" + UUID().uuidString + ".dcm"
    }

    static let relativeBulkPrefix = "bulk/"
    /// Part of every kept entry's name: a server that writes its JSON differently starts afresh.
    static let metadataVersion = "m2"

    /// Written beside and renamed into place: a reader sees the whole entry or none. A cache that
    /// cannot be written (a full disk) costs speed, not the answer.
    private func keep(_ bytes: [UInt8], at path: String) {
        let temporary = path + ".\(UUID().uuidString).part"
        guard
            FileManager.default.createFile(
                atPath: temporary, contents: Data(bytes), attributes: [.posixPermissions: 0o600])
        else { return }
        if rename(temporary, path) != 0 { unlink(temporary) }
    }

    /// A digest or UID as a file name: letters, digits, dots and dashes only.
    private static func fileName(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") ? $0 : "_" })
    }
}
