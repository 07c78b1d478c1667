/// Something that went wrong reading a file whose header was still read: kept with the header, so
/// that no header is silently partial.
public struct ReadIssue: Sendable, Hashable, Encodable {
    /// What happened. Raw values are stable kebab-case codes, used as finding codes.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// The file ends inside an element; the attributes before it were read.
        case truncated = "truncated"
        /// The parse broke off at bytes that are no valid element; the attributes before them were read.
        case parseStopped = "parse-stopped"
        /// An item or delimiter stood outside any sequence; it was stepped over and the parse went on.
        case strayItem = "stray-item"
        /// The file meta declares another transfer syntax than the dataset uses; read as the bytes are.
        case transferSyntaxMismatch = "transfer-syntax-mismatch"
        /// The header is whole, but the file ends inside its pixel data, or holds less of it than
        /// the image's attributes need: an image cut short.
        case pixelDataTruncated = "pixel-data-truncated"
    }

    public var kind: Kind
    /// A sentence for people: where and what.
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// Whether the file is damaged: attributes after the place it names may be missing, or its
    /// pixel data is cut short.
    public var isDamage: Bool { kind == .truncated || kind == .parseStopped || kind == .pixelDataTruncated }
}
