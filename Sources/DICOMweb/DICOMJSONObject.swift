/// One object of the DICOM JSON model (PS3.18 F.2) built from catalog values: keys in tag order,
/// `vr` always, no `Value` when the attribute is empty, IS as numbers, PN as `Alphabetic` /
/// `Ideographic` / `Phonetic` groups.
struct DICOMJSONObject: Sendable {
    private var attributes: [UInt32: (vr: String, value: String?)] = [:]

    /// Sets a text attribute; nil or empty leaves it present without a value. Several values of a
    /// multi-valued attribute are given as an array.
    mutating func set(_ attribute: DICOMAttribute, _ values: [String]) {
        let present = values.filter { !$0.isEmpty }
        guard !present.isEmpty else {
            attributes[attribute.rawValue] = (attribute.vr, nil)
            return
        }
        let encoded: [String]
        switch attribute.vr {
        case "PN": encoded = present.map(Self.personName)
        case "IS": encoded = present.map { Int($0.trimmingSpaces).map(String.init) ?? Self.string($0) }
        default: encoded = present.map(Self.string)
        }
        attributes[attribute.rawValue] = (attribute.vr, "[" + encoded.joined(separator: ",") + "]")
    }

    mutating func set(_ attribute: DICOMAttribute, _ value: String?) {
        set(attribute, value.map { [$0] } ?? [])
    }

    mutating func set(_ attribute: DICOMAttribute, _ number: Int?) {
        set(attribute, number.map { [String($0)] } ?? [])
    }

    var json: String {
        "{"
            + attributes.keys.sorted().map { tag in
                let (vr, value) = attributes[tag]!
                let body = value.map { ",\"Value\":\($0)" } ?? ""
                return "\"\(DICOMAttribute.hex(tag))\":{\"vr\":\"\(vr)\"\(body)}"
            }.joined(separator: ",") + "}"
    }

    /// The JSON array of `objects`.
    static func array(_ objects: [DICOMJSONObject]) -> String {
        "[" + objects.map(\.json).joined(separator: ",") + "]"
    }

    private static func personName(_ name: String) -> String {
        let groups = name.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
        let names = ["Alphabetic", "Ideographic", "Phonetic"]
        let members = zip(names, groups).filter { !$0.1.isEmpty }.map { "\"\($0.0)\":\(string($0.1))" }
        return "{" + members.joined(separator: ",") + "}"
    }

    /// A JSON string literal.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
