import Foundation
import StudyCatalog

/// One row of command output: named fields in a fixed order, printed as JSON, CSV or a table.
struct OutputRecord: Encodable {
    enum Value: Encodable, CustomStringConvertible {
        case text(String)
        case texts([String])
        case integer(Int)
        case records([OutputRecord])

        /// A time as ISO 8601 in UTC, to the second.
        static func time(_ date: Date) -> Value { .text(UTCTime.iso8601(date)) }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let value): try container.encode(value)
            case .texts(let values): try container.encode(values)
            case .integer(let value): try container.encode(value)
            case .records(let values): try container.encode(values)
            }
        }

        var description: String {
            switch self {
            case .text(let value): return value
            case .texts(let values): return values.joined(separator: " ")
            case .integer(let value): return String(value)
            case .records(let values): return "\(values.count) items"
            }
        }
    }

    /// Field name (DICOM keyword or our camelCase name) and value; nil values are left out of JSON.
    var fields: [(name: String, value: Value?)]

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: FieldKey.self)
        for (name, value) in fields {
            try container.encodeIfPresent(value, forKey: FieldKey(stringValue: name))
        }
    }

    private struct FieldKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
