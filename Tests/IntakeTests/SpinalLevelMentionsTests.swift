import Intake
import Testing

@Suite("Spinal levels in free text")
struct SpinalLevelMentionsTests {
    struct Phrase: Sendable, CustomTestStringConvertible {
        var text: String
        var levels: String
        var regions: String
        var testDescription: String { text }
    }

    /// As radiologists, referrers, scanners and patients write them; expected levels and regions
    /// as space-separated canonical forms.
    static let phrases: [Phrase] = [
        Phrase(text: "OPLL between C3 and C4, extended to C2", levels: "C2 C3-C4", regions: "cervical"),
        Phrase(text: "OPLL mostly between C3 and C4 and extended to C2", levels: "C2 C3-C4", regions: "cervical"),
        Phrase(text: "C4-5 fusion two years ago", levels: "C4-C5", regions: "cervical"),
        Phrase(text: "AX T2 C5/6", levels: "C5-C6", regions: "cervical"),
        Phrase(text: "AX T2 C3-C4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "5 levels of disc prolapse", levels: "", regions: ""),
        Phrase(text: "C-SPINE", levels: "", regions: "cervical"),
        Phrase(text: "SAG T2 C-SPINE", levels: "", regions: "cervical"),
        Phrase(text: "SAG T1 C-SPINE", levels: "", regions: "cervical"),
        Phrase(text: "C3-4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "C3/4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "C3/C4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "C3–C4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "c3-c4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "C5-6 OPLL", levels: "C5-C6", regions: "cervical"),
        Phrase(text: "C3-C6", levels: "C3-C4 C4-C5 C5-C6", regions: "cervical"),
        Phrase(text: "stenosis from C3 to C6", levels: "C3-C4 C4-C5 C5-C6", regions: "cervical"),
        Phrase(text: "myelopathy C3 through C5", levels: "C3-C4 C4-C5", regions: "cervical"),
        Phrase(text: "between C3 and C4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "Between c6 and c7 there is a large herniation", levels: "C6-C7", regions: "cervical"),
        Phrase(text: "C7-T1", levels: "C7-T1", regions: "cervical"),
        Phrase(text: "C7/T1 foraminal narrowing", levels: "C7-T1", regions: "cervical"),
        Phrase(text: "L5-S1", levels: "L5-S1", regions: "lumbar"),
        Phrase(text: "L5/S1 disc", levels: "L5-S1", regions: "lumbar"),
        Phrase(text: "L5S1", levels: "L5-S1", regions: "lumbar"),
        Phrase(text: "C5C6", levels: "C5-C6", regions: "cervical"),
        Phrase(text: "T12-L1 fracture", levels: "T12-L1", regions: "thoracic"),
        Phrase(text: "L4-5 and L5-S1 decompression", levels: "L4-L5 L5-S1", regions: "lumbar"),
        Phrase(text: "C5-C6 and C6-C7", levels: "C5-C6 C6-C7", regions: "cervical"),
        Phrase(text: "C3, C4 and C5 laminectomy", levels: "C3 C4 C5", regions: "cervical"),
        Phrase(text: "fracture of C2", levels: "C2", regions: "cervical"),
        Phrase(text: "C 5-6", levels: "C5-C6", regions: "cervical"),
        Phrase(text: "t2_tse_sag_C4-5", levels: "C4-C5", regions: "cervical"),
        Phrase(text: "AX T2 FS", levels: "", regions: ""),
        Phrase(text: "SAG T1/T2", levels: "", regions: ""),
        Phrase(text: "T2W_TSE", levels: "", regions: ""),
        Phrase(text: "T2-3D SPACE", levels: "", regions: ""),
        Phrase(text: "SAG STIR", levels: "", regions: ""),
        Phrase(text: "T8-T9 disc herniation", levels: "T8-T9", regions: "thoracic"),
        Phrase(text: "T7 compression", levels: "T7", regions: "thoracic"),
        Phrase(text: "C8 radiculopathy", levels: "", regions: ""),
        Phrase(text: "L6 transitional vertebra", levels: "", regions: ""),
        Phrase(text: "C6-5", levels: "", regions: ""),
        Phrase(text: "CSPINE", levels: "", regions: "cervical"),
        Phrase(text: "MRT HWS nativ", levels: "", regions: "cervical"),
        Phrase(text: "LUMBAR SPINE", levels: "", regions: "lumbar"),
        Phrase(text: "CT LUMBOSACRAL", levels: "", regions: "lumbar sacral"),
        Phrase(text: "ACDF C5/6 C6/7 in 2019", levels: "C5-C6 C6-C7", regions: "cervical"),
        Phrase(text: "SE2 IM13", levels: "", regions: ""),
        Phrase(text: "PROTOCOL C2 3MM", levels: "C2", regions: "cervical"),
        // As patients and referrers type them: run into the next word, joined by a sign, a word
        // after "between", a chain, a hyphen after the letter, a tilde range.
        Phrase(text: "OPLL C5-6OPLL seen", levels: "C5-C6", regions: "cervical"),
        Phrase(text: "stenosis at C4-C5level", levels: "C4-C5", regions: "cervical"),
        Phrase(text: "OPLL between C3 & C4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "OPLL between C3+C4, extended to C2", levels: "C2 C3-C4", regions: "cervical"),
        Phrase(text: "herniation between the C5 and C6", levels: "C5-C6", regions: "cervical"),
        Phrase(text: "narrowing between levels C6 and the C7", levels: "C6-C7", regions: "cervical"),
        Phrase(text: "bulging between vertebrae L4 and L5", levels: "L4-L5", regions: "lumbar"),
        Phrase(text: "between C3 and 4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "C3-4-5 stenosis", levels: "C3-C4 C4-C5", regions: "cervical"),
        Phrase(text: "C5/C6/C7", levels: "C5-C6 C6-C7", regions: "cervical"),
        Phrase(text: "OPLL C-3/4", levels: "C3-C4", regions: "cervical"),
        Phrase(text: "OPLL C3~C5", levels: "C3-C4 C4-C5", regions: "cervical"),
        Phrase(text: "C4~5 後縦靱帯骨化", levels: "C4-C5", regions: "cervical"),
        Phrase(text: "SAG T2 3D", levels: "", regions: ""),
        Phrase(text: "ACDF C4-5 and 5-6", levels: "C4-C5 C5-C6", regions: "cervical"),
        Phrase(text: "C4/5, 5/6 and 6/7 stenosis", levels: "C4-C5 C5-C6 C6-C7", regions: "cervical"),
        Phrase(text: "C5-6, 2-3 mm protrusion", levels: "C5-C6", regions: "cervical"),
        Phrase(text: "stenosis from C3 down to C5", levels: "C3-C4 C4-C5", regions: "cervical"),
        Phrase(text: "T1W 3D VIBE", levels: "", regions: ""),
        Phrase(text: "", levels: "", regions: ""),
    ]

    @Test("Levels and regions of each phrase", arguments: phrases)
    func phrase(_ phrase: Phrase) {
        let mentions = SpinalLevelMentions(text: phrase.text)
        #expect(mentions.levels.map(\.description).joined(separator: " ") == phrase.levels)
        #expect(mentions.regions.map(\.rawValue).joined(separator: " ") == phrase.regions)
    }

    @Test("At least 40 phrases are checked")
    func enoughPhrases() {
        #expect(Self.phrases.count >= 40)
    }

    @Test("Several texts together: series description, protocol, note")
    func merging() {
        let mentions = SpinalLevelMentions(texts: ["AX T2 C3-C4", "t2_tse_tra", "OPLL C3-4, extended to C2", "CSPINE"])
        #expect(mentions.levels.map(\.description) == ["C2", "C3-C4"])
        #expect(mentions.regions == [.cervical])
    }

    @Test("A disc is searched with its vertebrae, a vertebra with its discs")
    func neighbourhood() throws {
        let disc = try #require(SpinalLevel(canonical: "C3-C4"))
        #expect(disc.searchNeighbourhood.map(\.description).sorted() == ["C3", "C3-C4", "C4"])
        let vertebra = try #require(SpinalLevel(canonical: "C4"))
        #expect(vertebra.searchNeighbourhood.map(\.description).sorted() == ["C3-C4", "C4", "C4-C5"])
        let atlas = try #require(SpinalLevel(canonical: "C1"))
        #expect(atlas.searchNeighbourhood.map(\.description) == ["C1", "C1-C2"])
        #expect(SpinalLevelMentions.searchLevels(for: "c5/6") == ["C5", "C5-C6", "C6"])
        #expect(SpinalLevelMentions.searchLevels(for: "nowhere").isEmpty)
        #expect(SpinalLevel(canonical: "C3-C5") == nil)
        #expect(SpinalLevel(canonical: "C8") == nil)
    }
}
