/// Canonical spinal levels as the catalog returns them: distinct, in spinal order (C before T
/// before L before S, then by number, a level before the discs below it).
public enum SpinalLevelOrder {
    public static func sorted(_ levels: some Sequence<String>) -> [String] {
        let order = Array("CTLS")
        return Set(levels).sorted { lhs, rhs in
            let key = { (level: String) -> (Int, Int, Int) in
                let letter = order.firstIndex(of: level.first ?? "S") ?? 4
                let number = Int(level.dropFirst().prefix { $0.isNumber }) ?? 0
                return (letter, number, level.contains("-") ? 1 : 0)
            }
            return key(lhs) < key(rhs)
        }
    }
}
