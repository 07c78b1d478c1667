/// One media range of an `Accept` header (`multipart/related; type="application/dicom";
/// transfer-syntax=*`), read leniently: ranges split on commas outside quotes, parameters on
/// semicolons, quotes and spaces stripped, type and parameter names lowercased (values kept as
/// sent, since transfer syntax UIDs are case-sensitive), repeated parameters kept (the first wins).
struct MediaRange: Equatable, Sendable {
    var type: String
    var parameters: [(name: String, value: String)]

    static func == (lhs: MediaRange, rhs: MediaRange) -> Bool {
        lhs.type == rhs.type && lhs.parameters.map(\.name) == rhs.parameters.map(\.name)
            && lhs.parameters.map(\.value) == rhs.parameters.map(\.value)
    }

    /// The first value of parameter `name`.
    func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// The ranges of an Accept header, in the order sent; an absent or empty header is `*/*`.
    static func ranges(ofAccept header: String?) -> [MediaRange] {
        let ranges = split(header ?? "", on: ",").compactMap(MediaRange.init(parsing:))
        return ranges.isEmpty ? [MediaRange(type: "*/*", parameters: [])] : ranges
    }

    init(type: String, parameters: [(name: String, value: String)]) {
        self.type = type
        self.parameters = parameters
    }

    private init?(parsing text: Substring) {
        let pieces = Self.split(text, on: ";")
        guard let first = pieces.first else { return nil }
        let type = first.trimmingSpaces.lowercased()
        guard !type.isEmpty else { return nil }
        self.type = type
        parameters = pieces.dropFirst().compactMap { piece in
            guard let equals = piece.firstIndex(of: "=") else { return nil }
            let name = piece[..<equals].trimmingSpaces.lowercased()
            var value = piece[piece.index(after: equals)...].trimmingSpaces
            if value.count >= 2, value.first == "\"", value.last == "\"" {
                value = String(value.dropFirst().dropLast())
            }
            return name.isEmpty ? nil : (name, value)
        }
    }

    /// Splits on `separator` outside double quotes.
    private static func split(_ text: some StringProtocol, on separator: Character) -> [Substring] {
        var pieces: [Substring] = []
        let text = Substring(text)
        var start = text.startIndex
        var quoted = false
        for index in text.indices {
            let character = text[index]
            if character == "\"" {
                quoted.toggle()
            } else if character == separator, !quoted {
                pieces.append(text[start..<index])
                start = text.index(after: index)
            }
        }
        pieces.append(text[start...])
        return pieces.filter { !$0.trimmingSpaces.isEmpty }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
