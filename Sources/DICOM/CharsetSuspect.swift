/// A text value whose bytes did not decode cleanly in the declared character set. The value was
/// still decoded (as the reason says) and its raw bytes are kept, so nothing is lost.
public struct CharsetSuspect: Sendable, Hashable, Encodable {
    /// Why the value is suspect.
    public enum Reason: String, Sendable, Hashable, Codable {
        /// 8-bit bytes with no (0008,0005): read as ISO 8859-1, as other tools do.
        case undeclaredEightBit = "undeclared-8-bit"
        /// C1 control bytes (0x80–0x9F) under ISO_IR 100: almost always Windows-1252; read as such.
        case c1ControlCharacters = "c1-control-characters"
        /// Bytes that are invalid in the declared character set: read as ISO 8859-1.
        case undecodable = "undecodable"
        /// A (0008,0005) term that is not a DICOM defined term: read as ISO 8859-1.
        case unknownCharacterSet = "unknown-character-set"
        /// The bytes fit another common character set unambiguously, not the declared one (Shift-JIS
        /// under ISO_IR 13, GBK or UTF-8 under ISO_IR 100): read as that set.
        case mislabelled = "mislabelled"
    }

    /// The DICOM keyword of the attribute, e.g. `PatientName`.
    public let keyword: String
    public let reason: Reason
    /// The value's bytes as stored in the file.
    public let rawBytes: [UInt8]
    /// The character set the value was read in instead (`UTF-8`, `Shift_JIS`, `GBK`, `Windows-1252`,
    /// `ISO-8859-1`).
    public let decodedAs: String

    public init(keyword: String, reason: Reason, rawBytes: [UInt8], decodedAs: String) {
        self.keyword = keyword
        self.reason = reason
        self.rawBytes = rawBytes
        self.decodedAs = decodedAs
    }

    /// `keyword`, `reason`, `decodedAs`, and `rawBytes` as a hexadecimal string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KeywordKey.self)
        try container.encode(keyword, forKey: KeywordKey("keyword"))
        try container.encode(reason, forKey: KeywordKey("reason"))
        try container.encode(decodedAs, forKey: KeywordKey("decodedAs"))
        let hex = rawBytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }
        try container.encode(hex.joined(), forKey: KeywordKey("rawBytes"))
    }
}
