import DICOM
import Foundation
import StudyCatalog

/// The DICOMDIR rules: every directory file against the drop's files.
extension SubmissionAssembly {
    /// Checks every DICOMDIR of the drop, with the lower-level directory files it references
    /// (`read`: every directory file read in the pass, by path), against the drop's files: missing
    /// files, references leaving the disc, DICOM files its folder holds but it does not list; and
    /// reports links, special files and undecodable names.
    mutating func checkDirectories(of listing: DropListing, directories read: [String: DICOMDirectory]) {
        for entry in listing.entries {
            switch entry.kind {
            case .regularFile: continue
            case .symbolicLink:
                findings.append(
                    Finding(
                        severity: .warning, code: "symlink-skipped", message: "symbolic link, not followed",
                        path: entry.relativePath))
            case .other:
                findings.append(
                    Finding(
                        severity: .warning, code: "not-regular-file",
                        message: "a FIFO, socket or device, never opened", path: entry.relativePath))
            case .hardLink:
                findings.append(
                    Finding(
                        severity: .warning, code: "hard-link-skipped",
                        message: "a file with other hard links, perhaps outside the drop; never opened",
                        path: entry.relativePath))
            case .undecodableName:
                findings.append(
                    Finding(
                        severity: .warning, code: "undecodable-name",
                        message: "its name is not valid UTF-8 (shown with the bad bytes replaced); never opened",
                        path: entry.relativePath))
            }
        }
        var listed: Set<String> = []
        let manifests = listing.manifests { read[$0] }
        for manifest in manifests {
            listed.insert(manifest.path)
            listed.formUnion(manifest.lowerLevelFiles)
            for (path, problem) in manifest.structuralProblems {
                findings.append(Finding(severity: .warning, code: "dicomdir-structure", message: problem, path: path))
            }
            listedPerSeries.merge(manifest.listedPerSeries, uniquingKeysWith: +)
            for reference in manifest.references {
                switch reference.resolution {
                case .file(let path), .symbolicLink(let path), .hardLink(let path):
                    listed.insert(path)
                case .missing:
                    findings.append(
                        Finding(
                            severity: .error, code: "dicomdir-missing-file",
                            message: "the DICOMDIR lists \(reference.written), which is not on the disc",
                            path: reference.directoryFile, uid: reference.referencedSOPInstanceUID))
                case .escapesMedia(let reason):
                    findings.append(
                        Finding(
                            severity: .error, code: "path-escape",
                            message:
                                "the DICOMDIR reference \(reference.written) leaves the disc (\(reason)); not opened",
                            path: reference.directoryFile))
                }
            }
        }
        // Each DICOMDIR is the manifest of its own folder: a file is unlisted when a manifest
        // describes its folder and none lists it.
        for path in dicomPaths.subtracting(listed).sorted() where manifests.contains(where: { $0.describes(path) }) {
            findings.append(
                Finding(
                    severity: .warning, code: "dicomdir-unlisted-file", message: "a DICOM file the DICOMDIR does not list",
                    path: path))
        }
    }
}
