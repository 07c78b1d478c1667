import DICOM
import Foundation

/// The intake's home folder: `catalog.sqlite`, `store/` and `quarantine/`, created readable by the
/// owner only whatever the umask.
public struct IntakeHome: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// `--home`, else `$INTAKE_HOME`, else `~/.local/share/intake`.
    public static func resolve(_ option: String?) -> IntakeHome {
        if let option { return IntakeHome(path: option) }
        if let environment = ProcessInfo.processInfo.environment["INTAKE_HOME"], !environment.isEmpty {
            return IntakeHome(path: environment)
        }
        return IntakeHome(path: NSHomeDirectory() + "/.local/share/intake")
    }

    public var catalogPath: String { path + "/catalog.sqlite" }
    public var storePath: String { path + "/store" }
    public var quarantinePath: String { path + "/quarantine" }
    /// What the DICOMweb server derives from stored files (their headers as DICOM JSON, copies in
    /// another transfer syntax), never the files themselves; safe to delete.
    public var cachePath: String { path + "/cache" }

    /// Creates the folders (0700) if needed.
    public func prepare() throws(IntakeError) {
        for folder in [path, storePath, quarantinePath] {
            try Self.makeOwnerOnlyFolder(folder)
        }
    }

    /// A folder of the intake's own, held open to read its files below it.
    static func openFolder(_ path: String) throws(IntakeError) -> Folder {
        do throws(DICOMReadError) {
            return try Folder(path: path)
        } catch {
            throw IntakeError.environment(error.description)
        }
    }

    /// Creates `folder` (and its parents) owner-only if it is not there.
    public static func makeOwnerOnlyFolder(_ folder: String) throws(IntakeError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw IntakeError.environment("\(folder) exists and is not a folder") }
            return
        }
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            chmod(folder, 0o700)
        } catch {
            throw IntakeError.environment("cannot create \(folder): \(error.localizedDescription)")
        }
    }
}
