/// The spinal levels and regions a piece of free text names, as radiologists, referrers and patients
/// write them: `C3-4`, `C3/4`, `C3/C4`, `C3–C4`, `c3-c4`, `C5C6`, `between C3 and C4`, `C3 to C6`,
/// `L5-S1`, a lone `C2`, or a region word such as `C-SPINE` or `LUMBAR`.
///
/// A range of adjacent vertebrae is their disc; a longer range is every disc in it (`C3-C6` →
/// `C3-C4 C4-C5 C5-C6`). A lone `T1` or `T2`, and a range within T1–T2, are taken for MRI
/// weightings (`SAG T2`, `T1/T2`), not vertebrae: in a series description they almost always are.
public struct SpinalLevelMentions: Hashable, Sendable {
    /// Distinct levels, head to tail.
    public private(set) var levels: [SpinalLevel]
    /// Distinct regions named by a word or implied by a level, head to tail.
    public private(set) var regions: [SpineRegion]

    public static let none = SpinalLevelMentions(levels: [], regions: [])

    init(levels: [SpinalLevel], regions: [SpineRegion]) {
        self.levels = levels
        self.regions = regions
    }

    /// What `text` mentions.
    public init(text: String) {
        let upper = Self.normalised(text)
        var found = Set<SpinalLevel>()
        // The region letter of the level just before, for a disc named by numbers alone after it.
        var previous: (letter: Substring, end: String.Index)?
        for match in upper.matches(of: Self.levelPattern) {
            let output = match.output
            if let from = output.bareFromNumber, let to = output.bareToNumber {
                // `C4-5 and 5-6`: the second disc takes the letter of the first, right before it.
                if let (letter, end) = previous, upper[end..<match.range.lowerBound].allSatisfy(\.isWhitespace),
                    let top = Int(from), let bottom = Int(to), bottom == top + 1,
                    let disc = SpinalLevel(discBetween: "\(letter)\(top)", and: "\(letter)\(bottom)")
                {
                    found.insert(disc)
                    previous = (letter, match.range.upperBound)
                }
                continue
            }
            found.formUnion(Self.levels(in: output))
            let letter = output.toLetter ?? output.andLetter ?? output.fromLetter ?? output.betweenLetter ?? output.loneLetter
            previous = letter.map { ($0, match.range.upperBound) }
        }
        var regions = Set(found.map(\.region))
        for (words, region) in Self.regionWords where words.contains(where: { Self.containsWord($0, in: upper) }) {
            regions.insert(region)
        }
        levels = found.sorted()
        self.regions = regions.sorted()
    }

    /// What several texts mention together.
    public init(texts: [String]) {
        self = texts.map(SpinalLevelMentions.init(text:)).reduce(.none) { $0.merging($1) }
    }

    /// The canonical levels a search for `text` matches: each level it names with its neighbours
    /// (a disc with its two vertebrae, a vertebra with the discs above and below).
    public static func searchLevels(for text: String) -> [String] {
        Set(SpinalLevelMentions(text: text).levels.flatMap(\.searchNeighbourhood)).map(\.description).sorted()
    }

    /// The union of both.
    public func merging(_ other: SpinalLevelMentions) -> SpinalLevelMentions {
        SpinalLevelMentions(
            levels: Set(levels + other.levels).sorted(), regions: Set(regions + other.regions).sorted())
    }

    // MARK: Parsing

    /// Upper case, typographic dashes as hyphens, and underscores (`t2_tse_C5-6`) as spaces.
    private static func normalised(_ text: String) -> String {
        String(text.uppercased().map { "–—−‐".contains($0) ? "-" : $0 == "_" ? " " : $0 })
    }

    /// `BETWEEN [up to three words] V AND|&|+ V`, or `V sep [letter] digits [sep [letter] digits]`
    /// (a chain such as `C3-4-5`), or `VV` run together, or a lone `V`, where V is a letter C/T/L/S,
    /// an optional hyphen (`C-5`) and one or two digits; separators are `-`, `/`, `~` (as Japanese and
    /// Chinese notes write ranges), `TO`, `THROUGH`, `THRU`. No digit may follow, nor a single
    /// letter (`T2-3D` is a sequence name); a longer word may (`C5-6OPLL`, as patients type it).
    /// `AND 5-6` right after a level is the next disc of the same region (`C4-5 and 5-6`), unless a
    /// unit follows (`2-3 mm`).
    nonisolated(unsafe) private static let levelPattern =
        #/\b(?:BETWEEN\s*(?:[A-Z]+\s+){0,3}?(?<betweenLetter>[CTLS])-?\s?(?<betweenNumber>\d{1,2})\s*(?:\bAND\b|&|\+|,|/|-|~|\bTO\b)\s*(?:THE\s+)?(?<andLetter>[CTLS])?-?\s?(?<andNumber>\d{1,2})|(?<fromLetter>[CTLS])-?\s?(?<fromNumber>\d{1,2})(?:\s*(?:-|/|~|\b(?:DOWN\s+)?TO\b|\bTHROUGH\b|\bTHRU\b)\s*|(?=[CTLS]\d))(?<toLetter>[CTLS])?\s?(?<toNumber>\d{1,2})(?:\s*[-/~]\s*(?<thirdLetter>[CTLS])?\s?(?<thirdNumber>\d{1,2})(?![0-9]))?|(?<loneLetter>[CTLS])-?\s?(?<loneNumber>\d{1,2})|(?:\bAND\b|&|,)\s*(?<bareFromNumber>\d{1,2})\s*[-/~]\s*(?<bareToNumber>\d{1,2})(?!\s*(?:MM|CM|%|°|X\b|TIMES|HOUR|DAY|WEEK|MONTH|YEAR)))(?![0-9])(?![A-Z](?![A-Z]))/#

    private typealias LevelMatch = (
        Substring, betweenLetter: Substring?, betweenNumber: Substring?, andLetter: Substring?, andNumber: Substring?,
        fromLetter: Substring?, fromNumber: Substring?, toLetter: Substring?, toNumber: Substring?,
        thirdLetter: Substring?, thirdNumber: Substring?, loneLetter: Substring?, loneNumber: Substring?,
        bareFromNumber: Substring?, bareToNumber: Substring?
    )

    private static func levels(in output: LevelMatch) -> [SpinalLevel] {
        if let letter = output.loneLetter, let number = output.loneNumber {
            let name = "\(letter)\(Int(number) ?? 0)"
            guard name != "T1" && name != "T2", let vertebra = SpinalLevel(vertebra: name) else { return [] }
            return [vertebra]
        }
        let range: (Substring, Substring, Substring?, Substring)?
        if let letter = output.betweenLetter, let number = output.betweenNumber, let toNumber = output.andNumber {
            range = (letter, number, output.andLetter, toNumber)
        } else if let letter = output.fromLetter, let number = output.fromNumber, let toNumber = output.toNumber {
            // A chain (`C3-4-5`) is the range from its first to its last vertebra, when it goes down.
            if let thirdNumber = output.thirdNumber, let third = Int(thirdNumber), let second = Int(toNumber),
                output.thirdLetter != nil || third > second
            {
                range = (letter, number, output.thirdLetter ?? output.toLetter, thirdNumber)
            } else {
                range = (letter, number, output.toLetter, toNumber)
            }
        } else {
            range = nil
        }
        guard let (fromLetter, fromDigits, toLetter, toDigits) = range,
            let fromNumber = Int(fromDigits), let toNumber = Int(toDigits),
            let from = SpinalLevel.vertebrae.firstIndex(of: "\(fromLetter)\(fromNumber)")
        else { return [] }
        // `C5-6` names its second vertebra by number alone: it must come below the first.
        if toLetter == nil && toNumber <= fromNumber { return [] }
        guard let to = SpinalLevel.vertebrae.firstIndex(of: "\(toLetter ?? fromLetter)\(toNumber)") else { return [] }
        let (top, bottom) = (min(from, to), max(from, to))
        let weightings = Set(["T1", "T2"])
        if weightings.contains(SpinalLevel.vertebrae[top]) && weightings.contains(SpinalLevel.vertebrae[bottom]) {
            return []
        }
        if top == bottom { return [SpinalLevel(index: top, isDisc: false)] }
        return (top..<bottom).map { SpinalLevel(index: $0, isDisc: true) }
    }

    private static let regionWords: [([String], SpineRegion)] = [
        (["C-SPINE", "C SPINE", "CSPINE", "CERVICAL", "HWS", "HALSWIRBELSÄULE"], .cervical),
        (["T-SPINE", "T SPINE", "TSPINE", "THORACIC", "DORSAL SPINE", "BWS", "BRUSTWIRBELSÄULE"], .thoracic),
        (["L-SPINE", "L SPINE", "LSPINE", "LUMBAR", "LUMBOSACRAL", "LWS", "LENDENWIRBELSÄULE"], .lumbar),
        (["S-SPINE", "SSPINE", "SACRUM", "SACRAL", "LUMBOSACRAL"], .sacral),
    ]

    /// Whether `word` stands in `text` with no letter or digit glued to either side.
    private static func containsWord(_ word: String, in text: String) -> Bool {
        var searchStart = text.startIndex
        while let range = text[searchStart...].firstRange(of: word) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            let isGlued = { (character: Character?) in character.map { $0.isLetter || $0.isNumber } ?? false }
            if !isGlued(before) && !isGlued(after) { return true }
            searchStart = text.index(after: range.lowerBound)
        }
        return false
    }
}
