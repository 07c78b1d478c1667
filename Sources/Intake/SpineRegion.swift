/// A region of the spine, named by a level or by words such as `C-SPINE`, `LUMBAR` or `HWS`.
public enum SpineRegion: String, Hashable, Comparable, Sendable, CaseIterable {
    case cervical
    case thoracic
    case lumbar
    case sacral

    public static func < (lhs: SpineRegion, rhs: SpineRegion) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
