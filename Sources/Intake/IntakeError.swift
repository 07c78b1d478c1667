/// Why a submission could not be taken in at all (as opposed to findings about its data).
public enum IntakeError: Error, Sendable, CustomStringConvertible {
    /// The machine, not the data: a folder that cannot be created, a catalog that cannot be opened,
    /// a full disk.
    case environment(String)
    /// The path given is not a folder or file that can be read.
    case unreadableDrop(String)

    public var description: String {
        switch self {
        case .environment(let detail): return detail
        case .unreadableDrop(let detail): return detail
        }
    }

    /// Whether the error is about one PATH only, so that the other PATHs can still be taken in.
    public var concernsOneDrop: Bool {
        if case .unreadableDrop = self { return true }
        return false
    }
}
