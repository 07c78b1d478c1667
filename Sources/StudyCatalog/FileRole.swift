/// What a file of a drop is, decided by content for DICOM and by name for the rest. Non-DICOM
/// files are inventoried and kept, never executed.
public enum FileRole: String, Sendable, Hashable, CaseIterable {
    case dicom
    case dicomdir
    /// A viewer shipped on the disc: executables, libraries, autorun files.
    case viewer
    /// Reports and pages for people: PDF, text, HTML, office documents.
    case document
    /// JPEG, PNG and other pictures.
    case image
    /// Traces of the copying system: `.DS_Store`, `._*`, `Thumbs.db`, `desktop.ini`.
    case clutter
    /// An archive drop as it was received, kept beside its unpacked entries.
    case archive
    case other
}
