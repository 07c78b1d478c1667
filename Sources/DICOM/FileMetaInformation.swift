/// How the file was encoded: its File Meta Information, or what DCMTK detected when it had none.
public struct FileMetaInformation: Sendable, Hashable {
    /// The transfer syntax the dataset was actually read in (detected for raw datasets).
    public var transferSyntaxUID: String?
    public var mediaStorageSOPClassUID: String?
    public var mediaStorageSOPInstanceUID: String?
    /// Whether the file began with the 128-byte preamble and `DICM`.
    public var hasPreamble: Bool
    /// Whether the file carried a (0002,xxxx) group.
    public var hasMetaGroup: Bool
}
