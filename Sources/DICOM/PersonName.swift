/// A DICOM person name (VR PN): up to three component groups, alphabetic, ideographic and
/// phonetic, each of up to five `^`-separated components (family, given, middle, prefix, suffix).
public struct PersonName: Sendable, Hashable, CustomStringConvertible {
    /// One component group, e.g. `Yamada^Tarou` or `山田^太郎`.
    public struct ComponentGroup: Sendable, Hashable {
        public var familyName: String?
        public var givenName: String?
        public var middleName: String?
        public var namePrefix: String?
        public var nameSuffix: String?

        init(_ text: Substring) {
            let parts = text.split(separator: "^", omittingEmptySubsequences: false).map { part -> String? in
                let trimmed = part.trimmingSpaces()
                return trimmed.isEmpty ? nil : trimmed
            }
            func part(_ index: Int) -> String? { index < parts.count ? parts[index] : nil }
            familyName = part(0)
            givenName = part(1)
            middleName = part(2)
            namePrefix = part(3)
            nameSuffix = part(4)
        }

        var isEmpty: Bool {
            familyName == nil && givenName == nil && middleName == nil && namePrefix == nil && nameSuffix == nil
        }

        /// The group as DICOM writes it, trailing empty components dropped.
        public var dicomString: String {
            var parts = [familyName, givenName, middleName, namePrefix, nameSuffix].map { $0 ?? "" }
            while let last = parts.last, last.isEmpty { parts.removeLast() }
            return parts.joined(separator: "^")
        }
    }

    public var alphabetic: ComponentGroup
    public var ideographic: ComponentGroup?
    public var phonetic: ComponentGroup?

    /// Parses a decoded PN value; nil when it holds no name at all.
    public init?(dicomString: String) {
        let groups = dicomString.split(separator: "=", maxSplits: 2, omittingEmptySubsequences: false)
        alphabetic = ComponentGroup(groups[0])
        ideographic = groups.count > 1 ? ComponentGroup(groups[1]) : nil
        phonetic = groups.count > 2 ? ComponentGroup(groups[2]) : nil
        if ideographic?.isEmpty == true { ideographic = nil }
        if phonetic?.isEmpty == true { phonetic = nil }
        if alphabetic.isEmpty && ideographic == nil && phonetic == nil { return nil }
    }

    /// The name as DICOM writes it: groups joined by `=`, trailing empty groups dropped,
    /// e.g. `Yamada^Tarou=山田^太郎=やまだ^たろう`.
    public var dicomString: String {
        var groups = [alphabetic.dicomString, ideographic?.dicomString ?? "", phonetic?.dicomString ?? ""]
        while let last = groups.last, last.isEmpty { groups.removeLast() }
        return groups.joined(separator: "=")
    }

    public var description: String { dicomString }
}
