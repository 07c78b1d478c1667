/// The character repertoire of a dataset, from (0008,0005) Specific Character Set, and the decoder
/// that turns its text values into Swift strings (PS3.3 C.12.1.1.2, PS3.5 6.1).
///
/// Single-byte sets and UTF-8/GB18030/GBK decode the whole value at once. ISO 2022 code extension
/// (`ISO 2022 IR 87`, `IR 159`, `IR 149`, `IR 58`, `IR 13`, `IR 100`…) is decoded escape sequence by
/// escape sequence, each segment through its own code element. At each delimiter G0 falls back to
/// its initial set, as PS3.5 6.1.2.5.3 requires; G1 keeps its designation, because writers that
/// designate an upper half once per value are common and the bytes cannot be read any other way.
struct SpecificCharacterSet: Sendable {
    /// One graphic character set as designated into G0 or G1.
    enum CodeElement: Equatable, Sendable {
        case ascii
        case jisRoman
        case jisX0201Katakana
        case jisX0208
        case jisX0212
        case ksX1001
        case gb2312
        /// The upper half of an ISO 8859 part, by its iconv name.
        case iso8859(String)
    }

    private enum Repertoire: Sendable {
        /// Default repertoire: ISO_IR 6 (ASCII); 8-bit bytes are a suspect.
        case defaultRepertoire
        /// A single-byte set without code extension (ISO_IR 100…), by iconv name.
        case singleByte(String)
        case utf8
        /// GB18030 or GBK, by iconv name.
        case multiByteChinese(String)
        case iso2022(g0: CodeElement, g1: CodeElement?)
        /// A term we do not know: decoded as ISO 8859-1 and flagged.
        case unknown
    }

    /// The terms as declared, e.g. `["", "ISO 2022 IR 87"]`; empty when (0008,0005) is absent.
    let terms: [String]
    private let repertoire: Repertoire

    init(terms: [String]) {
        self.terms = terms
        self.repertoire = Self.repertoire(for: terms)
    }

    private static func repertoire(for terms: [String]) -> Repertoire {
        let cleaned = terms.map { $0.trimmingSpaces() }
        guard let first = cleaned.first, !(cleaned.count == 1 && first.isEmpty) else {
            return .defaultRepertoire
        }
        if cleaned.count == 1 && !first.hasPrefix("ISO 2022") {
            switch first {
            case "ISO_IR 6": return .defaultRepertoire
            case "ISO_IR 192": return .utf8
            case "GB18030", "GBK": return .multiByteChinese(first)
            case "ISO_IR 13": return .iso2022(g0: .jisRoman, g1: .jisX0201Katakana)
            default:
                if let name = singleByteSets[first] { return .singleByte(name) }
                return .unknown
            }
        }
        // Code extension: the first term sets the initial G0 and G1.
        switch first {
        case "", "ISO 2022 IR 6": return .iso2022(g0: .ascii, g1: nil)
        case "ISO 2022 IR 13": return .iso2022(g0: .jisRoman, g1: .jisX0201Katakana)
        case "ISO 2022 IR 87": return .iso2022(g0: .jisX0208, g1: nil)
        case "ISO 2022 IR 159": return .iso2022(g0: .jisX0212, g1: nil)
        case "ISO 2022 IR 149": return .iso2022(g0: .ascii, g1: .ksX1001)
        case "ISO 2022 IR 58": return .iso2022(g0: .ascii, g1: .gb2312)
        default:
            let singleByteTerm = "ISO_IR " + first.dropFirst("ISO 2022 IR ".count)
            if let name = singleByteSets[singleByteTerm] { return .iso2022(g0: .ascii, g1: .iso8859(name)) }
            return .unknown
        }
    }

    private static let singleByteSets: [String: String] = [
        "ISO_IR 100": "ISO-8859-1", "ISO_IR 101": "ISO-8859-2", "ISO_IR 109": "ISO-8859-3",
        "ISO_IR 110": "ISO-8859-4", "ISO_IR 144": "ISO-8859-5", "ISO_IR 127": "ISO-8859-6",
        "ISO_IR 126": "ISO-8859-7", "ISO_IR 138": "ISO-8859-8", "ISO_IR 148": "ISO-8859-9",
        "ISO_IR 203": "ISO-8859-15", "ISO_IR 166": "TIS-620",
    ]

    /// Escape sequences (the bytes after ESC) and what they designate (PS3.3 Table C.12-3, C.12-4).
    private static let escapeSequences: [([UInt8], CodeElement, isG0: Bool)] = [
        (Array("(B".utf8), .ascii, true),
        (Array("(J".utf8), .jisRoman, true),
        (Array(")I".utf8), .jisX0201Katakana, false),
        (Array("$B".utf8), .jisX0208, true),
        (Array("$@".utf8), .jisX0208, true),
        (Array("$(D".utf8), .jisX0212, true),
        (Array("$)C".utf8), .ksX1001, false),
        (Array("$)A".utf8), .gb2312, false),
        (Array("-A".utf8), .iso8859("ISO-8859-1"), false),
        (Array("-B".utf8), .iso8859("ISO-8859-2"), false),
        (Array("-C".utf8), .iso8859("ISO-8859-3"), false),
        (Array("-D".utf8), .iso8859("ISO-8859-4"), false),
        (Array("-L".utf8), .iso8859("ISO-8859-5"), false),
        (Array("-G".utf8), .iso8859("ISO-8859-6"), false),
        (Array("-F".utf8), .iso8859("ISO-8859-7"), false),
        (Array("-H".utf8), .iso8859("ISO-8859-8"), false),
        (Array("-M".utf8), .iso8859("ISO-8859-9"), false),
        (Array("-b".utf8), .iso8859("ISO-8859-15"), false),
        (Array("-T".utf8), .iso8859("TIS-620"), false),
    ]

    /// The decoded value and, when the bytes did not fit the declared set, why and as what they
    /// were read instead.
    struct DecodedText: Sendable {
        let text: String
        let suspicion: (reason: CharsetSuspect.Reason, decodedAs: String)?

        init(text: String, suspicion: (reason: CharsetSuspect.Reason, decodedAs: String)? = nil) {
            self.text = text
            self.suspicion = suspicion
        }
    }

    /// Decodes one element's bytes (all its values). `isPersonName` adds `^` and `=` to the
    /// delimiters at which ISO 2022 designations return to their initial state.
    ///
    /// Bytes that do not fit the declared set, or 8-bit bytes without a declared set, are read as
    /// the common mislabelling they unambiguously fit (UTF-8, then Shift-JIS where katakana was
    /// declared, GBK where Latin-1 was), else as ISO 8859-1, and flagged either way.
    func decode(_ bytes: [UInt8], isPersonName: Bool) -> DecodedText {
        let isSevenBit = bytes.allSatisfy { $0 < 0x80 && $0 != 0x1B }
        switch repertoire {
        case .defaultRepertoire:
            if isSevenBit { return DecodedText(text: Self.ascii(bytes)) }
            return Self.fallback(bytes, reason: .undeclaredEightBit)
        case .utf8:
            if let text = String(validating: bytes, as: UTF8.self) { return DecodedText(text: text) }
            return Self.fallback(bytes, reason: .undecodable)
        case .singleByte(let name):
            if isSevenBit { return DecodedText(text: Self.ascii(bytes)) }
            if let text = Self.multiByteUTF8(bytes) {
                return DecodedText(text: text, suspicion: (.mislabelled, "UTF-8"))
            }
            if name == "ISO-8859-1" {
                if let text = Self.gbk(bytes) { return DecodedText(text: text, suspicion: (.mislabelled, "GBK")) }
                if bytes.contains(where: { (0x80...0x9F).contains($0) }),
                    let text = Iconv.decode(bytes, from: "WINDOWS-1252")
                {
                    return DecodedText(text: text, suspicion: (.c1ControlCharacters, "Windows-1252"))
                }
                return DecodedText(text: Self.latin1(bytes))
            }
            if let text = Iconv.decode(bytes, from: name) { return DecodedText(text: text) }
            return Self.fallback(bytes, reason: .undecodable)
        case .multiByteChinese(let name):
            if isSevenBit { return DecodedText(text: Self.ascii(bytes)) }
            if let text = Iconv.decode(bytes, from: name) { return DecodedText(text: text) }
            return Self.fallback(bytes, reason: .undecodable)
        case .iso2022(let g0, let g1):
            if isSevenBit && g0 == .ascii { return DecodedText(text: Self.ascii(bytes)) }
            if let text = Self.decodeCodeExtension(bytes, g0: g0, g1: g1, isPersonName: isPersonName) {
                return DecodedText(text: text)
            }
            // Japanese PCs write Shift-JIS and label it with the katakana set, which has no kanji.
            if g1 == .jisX0201Katakana, Self.multiByteUTF8(bytes) == nil,
                let text = Iconv.decode(bytes, from: "CP932")
            {
                return DecodedText(text: text, suspicion: (.mislabelled, "Shift_JIS"))
            }
            return Self.fallback(bytes, reason: .undecodable)
        case .unknown:
            if isSevenBit { return DecodedText(text: Self.ascii(bytes)) }
            return Self.fallback(bytes, reason: .unknownCharacterSet)
        }
    }

    /// Bytes that fit nothing declared: UTF-8 when they are valid UTF-8 with a multi-byte
    /// character (Latin-1 text almost never is), else ISO 8859-1, which reads any byte.
    private static func fallback(_ bytes: [UInt8], reason: CharsetSuspect.Reason) -> DecodedText {
        if let text = multiByteUTF8(bytes) { return DecodedText(text: text, suspicion: (reason, "UTF-8")) }
        return DecodedText(text: latin1(bytes), suspicion: (reason, "ISO-8859-1"))
    }

    /// The text when `bytes` are valid UTF-8 holding at least one multi-byte character.
    private static func multiByteUTF8(_ bytes: [UInt8]) -> String? {
        guard bytes.contains(where: { $0 >= 0xC2 }) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    /// The text when `bytes` have the shape of GB2312 (every 8-bit byte in a pair of bytes A1–FE)
    /// and read as Chinese characters in GBK: Latin-1 names do not put two accented letters in a
    /// row throughout.
    private static func gbk(_ bytes: [UInt8]) -> String? {
        var index = 0
        var pairs = 0
        while index < bytes.count {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            guard index + 1 < bytes.count, (0xA1...0xFE).contains(bytes[index]), (0xA1...0xFE).contains(bytes[index + 1])
            else { return nil }
            pairs += 1
            index += 2
        }
        guard pairs > 0, let text = Iconv.decode(bytes, from: "GBK") else { return nil }
        let isChinese = text.unicodeScalars.allSatisfy { $0.isASCII || (0x3000...0x9FFF).contains($0.value) || (0xFF00...0xFFEF).contains($0.value) }
        return isChinese ? text : nil
    }

    private static func ascii(_ bytes: [UInt8]) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    private static func latin1(_ bytes: [UInt8]) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: bytes.map { Unicode.Scalar($0) })
        return text
    }

    private static func decodeCodeExtension(
        _ bytes: [UInt8], g0 initialG0: CodeElement, g1 initialG1: CodeElement?, isPersonName: Bool
    ) -> String? {
        var delimiters: Set<UInt8> = [0x5C, 0x0D, 0x0A, 0x0C, 0x09]
        if isPersonName { delimiters.formUnion([0x5E, 0x3D]) }
        var g0 = initialG0
        var g1 = initialG1
        var text = ""
        var segment: [UInt8] = []
        var segmentElement: CodeElement?

        func flush() -> Bool {
            defer { segment.removeAll(keepingCapacity: true) }
            guard let element = segmentElement, !segment.isEmpty else { return true }
            guard let decoded = decodeSegment(segment, as: element) else { return false }
            text += decoded
            return true
        }

        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x1B {
                guard flush(),
                    let (length, element, isG0) = escapeSequences.lazy
                        .filter({ bytes[(index + 1)...].starts(with: $0.0) })
                        .map({ ($0.0.count, $0.1, $0.isG0) }).first
                else { return nil }
                if isG0 { g0 = element } else { g1 = element }
                index += 1 + length
                continue
            }
            let singleByteG0 = g0 == .ascii || g0 == .jisRoman
            if singleByteG0 && delimiters.contains(byte) {
                guard flush() else { return nil }
                text.unicodeScalars.append(Unicode.Scalar(byte))
                g0 = initialG0
                index += 1
                continue
            }
            let element: CodeElement
            if byte < 0x80 {
                element = g0
            } else {
                guard let designated = g1 else { return nil }
                element = designated
            }
            if element != segmentElement {
                guard flush() else { return nil }
                segmentElement = element
            }
            segment.append(byte)
            index += 1
        }
        guard flush() else { return nil }
        return text
    }

    private static func decodeSegment(_ bytes: [UInt8], as element: CodeElement) -> String? {
        switch element {
        case .ascii:
            return ascii(bytes)
        case .jisRoman:
            var text = ""
            for byte in bytes {
                switch byte {
                case 0x5C: text += "¥"
                case 0x7E: text += "‾"
                default: text.unicodeScalars.append(Unicode.Scalar(byte))
                }
            }
            return text
        case .jisX0201Katakana:
            var text = ""
            for byte in bytes {
                guard (0xA1...0xDF).contains(byte), let scalar = Unicode.Scalar(0xFF61 + UInt32(byte - 0xA1)) else {
                    return nil
                }
                text.unicodeScalars.append(scalar)
            }
            return text
        case .jisX0208:
            return Iconv.decode(bytes.map { $0 | 0x80 }, from: "EUC-JP")
        case .jisX0212:
            guard bytes.count % 2 == 0 else { return nil }
            var euc: [UInt8] = []
            euc.reserveCapacity(bytes.count / 2 * 3)
            for pair in stride(from: 0, to: bytes.count, by: 2) {
                euc += [0x8F, bytes[pair] | 0x80, bytes[pair + 1] | 0x80]
            }
            return Iconv.decode(euc, from: "EUC-JP")
        case .ksX1001:
            return Iconv.decode(bytes, from: "EUC-KR")
        case .gb2312:
            return Iconv.decode(bytes, from: "GB2312")
        case .iso8859(let name):
            return name == "ISO-8859-1" ? latin1(bytes) : Iconv.decode(bytes, from: name)
        }
    }
}
