/// One file of an inspection: its header, or why it has none.
public struct InspectionEntry: Sendable {
    /// The file's path as the caller named it (the argument, joined with the path below it).
    public var path: String
    public var outcome: Result<DICOMHeader, DICOMReadError>

    public init(path: String, outcome: Result<DICOMHeader, DICOMReadError>) {
        self.path = path
        self.outcome = outcome
    }
}
