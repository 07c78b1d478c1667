import Testing

@testable import DICOM

@Suite("Specific Character Set decoding")
struct CharacterSetTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var terms: [String]
        var bytes: [UInt8]
        var text: String
        var suspicion: CharsetSuspect.Reason?
        var testDescription: String { terms.joined(separator: "\\") + " → " + text }
    }

    static let cases: [Case] = [
        Case(terms: [], bytes: Array("DOE^JOHN".utf8), text: "DOE^JOHN", suspicion: nil),
        Case(terms: [], bytes: [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72], text: "Müller", suspicion: .undeclaredEightBit),
        Case(terms: ["ISO_IR 100"], bytes: [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72], text: "Müller", suspicion: nil),
        Case(terms: ["ISO_IR 100"], bytes: [0x4F, 0x92, 0x42], text: "O’B", suspicion: .c1ControlCharacters),
        Case(terms: ["ISO_IR 101"], bytes: [0xA3, 0xF3, 0x64, 0xBC], text: "Łódź", suspicion: nil),
        Case(terms: ["ISO_IR 144"], bytes: [0xB8, 0xD2, 0xD0, 0xDD], text: "Иван", suspicion: nil),
        Case(terms: ["ISO_IR 192"], bytes: Array("王^小東".utf8), text: "王^小東", suspicion: nil),
        Case(terms: ["ISO_IR 192"], bytes: [0x47, 0xC3, 0x28], text: "GÃ(", suspicion: .undecodable),
        Case(terms: ["GB18030"], bytes: [0xCD, 0xF5, 0x5E, 0xD0, 0xA1, 0xB6, 0xAB], text: "王^小东", suspicion: nil),
        // PS3.5 H.3.1: Yamada^Tarou=山田^太郎=やまだ^たろう in ISO 2022 IR 87.
        Case(
            terms: ["", "ISO 2022 IR 87"],
            bytes: Array("Yamada^Tarou=".utf8) + [0x1B, 0x24, 0x42, 0x3B, 0x33, 0x45, 0x44, 0x1B, 0x28, 0x42, 0x5E]
                + [0x1B, 0x24, 0x42, 0x42, 0x40, 0x4F, 0x3A, 0x1B, 0x28, 0x42, 0x3D]
                + [0x1B, 0x24, 0x42, 0x24, 0x64, 0x24, 0x5E, 0x24, 0x40, 0x1B, 0x28, 0x42, 0x5E]
                + [0x1B, 0x24, 0x42, 0x24, 0x3F, 0x24, 0x6D, 0x24, 0x26, 0x1B, 0x28, 0x42],
            text: "Yamada^Tarou=山田^太郎=やまだ^たろう", suspicion: nil),
        // PS3.5 H.3.2: half-width katakana in G1 by ISO 2022 IR 13.
        Case(
            terms: ["ISO 2022 IR 13", "ISO 2022 IR 87"], bytes: [0xD4, 0xCF, 0xC0, 0xDE], text: "ﾔﾏﾀﾞ", suspicion: nil),
        // PS3.5 I.2: Korean in G1 by ISO 2022 IR 149.
        Case(
            terms: ["", "ISO 2022 IR 149"],
            bytes: Array("Hong^Gildong=".utf8) + [0x1B, 0x24, 0x29, 0x43, 0xFB, 0xF3, 0x5E]
                + [0x1B, 0x24, 0x29, 0x43, 0xD1, 0xCE, 0xD4, 0xD7],
            text: "Hong^Gildong=洪^吉洞", suspicion: nil),
        // An escape sequence no character set defines.
        Case(
            terms: ["", "ISO 2022 IR 87"], bytes: [0x41, 0x1B, 0x25, 0x47, 0x41], text: "A\u{1B}%GA",
            suspicion: .undecodable),
        Case(terms: ["ISO_IR 999"], bytes: [0x41, 0xE9], text: "Aé", suspicion: .unknownCharacterSet),
    ]

    @Test("Each declared character set decodes to the right text", arguments: cases)
    func decodes(testCase: Case) {
        let decoded = SpecificCharacterSet(terms: testCase.terms).decode(testCase.bytes, isPersonName: true)
        #expect(decoded.text == testCase.text)
        #expect(decoded.suspicion?.reason == testCase.suspicion)
    }

    @Test("G1 keeps a designation made once for the whole value")
    func upperHalfDesignatedOnce() {
        let characterSet = SpecificCharacterSet(terms: ["", "ISO 2022 IR 100"])
        let bytes: [UInt8] = [0x1B, 0x2D, 0x41, 0xE9, 0x5E, 0xE9]
        #expect(characterSet.decode(bytes, isPersonName: true).text == "é^é")
    }

    @Test("ESC ( B returns G0 to ASCII, so the same bytes read differently on each side")
    func returnToASCII() {
        // 0x3B 0x33 is 山 in JIS X 0208 and ";3" in ASCII.
        let characterSet = SpecificCharacterSet(terms: ["ISO 2022 IR 6", "ISO 2022 IR 87"])
        let bytes: [UInt8] = [0x1B, 0x24, 0x42, 0x3B, 0x33, 0x1B, 0x28, 0x42, 0x5E, 0x3B, 0x33]
        #expect(characterSet.decode(bytes, isPersonName: true).text == "山^;3")
    }
}
