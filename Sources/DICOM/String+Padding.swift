extension StringProtocol {
    /// Without leading and trailing spaces and NULs, the padding DICOM allows around values.
    func trimmingSpaces() -> String {
        let isPadding: (Character) -> Bool = { $0 == " " || $0 == "\0" }
        guard let start = firstIndex(where: { !isPadding($0) }), let end = lastIndex(where: { !isPadding($0) })
        else { return "" }
        return String(self[start...end])
    }

    /// Without trailing spaces and NULs: for ST, LT and UT, whose leading spaces are significant.
    func trimmingTrailingSpaces() -> String {
        guard let end = lastIndex(where: { $0 != " " && $0 != "\0" }) else { return "" }
        return String(self[...end])
    }
}
