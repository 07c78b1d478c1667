/// DICOM UID syntax (PS3.5 9.1), two ways: as the standard has it, for findings; and as loose as
/// real discs need while still only digits and dots, for UIDs taken from requests.
public enum UIDSyntax {
    /// PS3.5 9.1: at most 64 characters, dot-separated numbers without leading zeros.
    public static func isConformant(_ value: String) -> Bool {
        let bytes = value.utf8
        guard bytes.count <= 64, !bytes.isEmpty else { return false }
        // Components of digits, separated by single dots, none with a leading zero but "0" itself.
        var componentLength = 0
        var componentStartsWithZero = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "."):
                guard componentLength > 0, !(componentStartsWithZero && componentLength > 1) else { return false }
                componentLength = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if componentLength == 0 { componentStartsWithZero = byte == UInt8(ascii: "0") }
                componentLength += 1
            default:
                return false
            }
        }
        return componentLength > 0 && !(componentStartsWithZero && componentLength > 1)
    }

    /// Digit components joined by dots, at most 64 characters: PS3.5 less its rule against leading
    /// zeros, which older discs break. Nothing but digits and dots can pass, so such a UID is safe
    /// anywhere a path or a URL holds it.
    public static func isWellFormed(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 64 else { return false }
        return value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { component in
            !component.isEmpty && component.allSatisfy { $0.isASCII && $0.isNumber }
        }
    }
}
