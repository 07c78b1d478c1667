/// A level of the spine: a vertebra (`C5`) or the disc between two adjacent vertebrae (`C5-C6`,
/// `C7-T1`, `L5-S1`), in canonical form.
public struct SpinalLevel: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The vertebrae from C1 to S1, in order from the skull down.
    static let vertebrae: [String] =
        (1...7).map { "C\($0)" } + (1...12).map { "T\($0)" } + (1...5).map { "L\($0)" } + ["S1"]

    /// The vertebra's index in `vertebrae`; for a disc, the vertebra above it.
    let upperIndex: Int
    /// Whether this is the disc below `upperIndex` rather than the vertebra itself.
    public let isDisc: Bool

    /// The vertebra named `name` (`C5`, `t12`), nil if there is none such.
    public init?(vertebra name: String) {
        guard let index = Self.vertebrae.firstIndex(of: name.uppercased()) else { return nil }
        upperIndex = index
        isDisc = false
    }

    /// The disc between two adjacent vertebrae, nil unless they are adjacent.
    public init?(discBetween upper: String, and lower: String) {
        guard let first = Self.vertebrae.firstIndex(of: upper.uppercased()),
            let second = Self.vertebrae.firstIndex(of: lower.uppercased()), abs(first - second) == 1
        else { return nil }
        upperIndex = min(first, second)
        isDisc = true
    }

    /// Parses the canonical form, `C5` or `C5-C6`.
    public init?(canonical text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1: self.init(vertebra: parts[0])
        case 2: self.init(discBetween: parts[0], and: parts[1])
        default: return nil
        }
    }

    init(index: Int, isDisc: Bool) {
        upperIndex = index
        self.isDisc = isDisc
    }

    /// `C5` or `C5-C6`.
    public var description: String {
        isDisc ? "\(Self.vertebrae[upperIndex])-\(Self.vertebrae[upperIndex + 1])" : Self.vertebrae[upperIndex]
    }

    /// The region the level belongs to; a junction disc (C7-T1) belongs to the region above.
    public var region: SpineRegion {
        switch Self.vertebrae[upperIndex].first {
        case "C": return .cervical
        case "T": return .thoracic
        case "L": return .lumbar
        default: return .sacral
        }
    }

    /// This level and its neighbours for a search: a disc finds its two vertebrae, a vertebra the
    /// discs above and below it.
    public var searchNeighbourhood: [SpinalLevel] {
        if isDisc {
            return [
                self, SpinalLevel(index: upperIndex, isDisc: false), SpinalLevel(index: upperIndex + 1, isDisc: false),
            ]
        }
        var levels = [self]
        if upperIndex > 0 { levels.append(SpinalLevel(index: upperIndex - 1, isDisc: true)) }
        if upperIndex < Self.vertebrae.count - 1 { levels.append(SpinalLevel(index: upperIndex, isDisc: true)) }
        return levels
    }

    /// Head to tail; a vertebra before the disc below it.
    public static func < (lhs: SpinalLevel, rhs: SpinalLevel) -> Bool {
        (lhs.upperIndex, lhs.isDisc ? 1 : 0) < (rhs.upperIndex, rhs.isDisc ? 1 : 0)
    }
}
