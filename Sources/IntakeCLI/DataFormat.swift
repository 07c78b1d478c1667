import ArgumentParser
import Foundation

/// `--format` of commands that print data.
enum DataFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
    case csv

    /// Prints `records` to stdout. A table shows `tableColumns` (by field name), fitted to 80 columns
    /// by shortening the widest; CSV and JSON carry every field.
    func print(_ records: [OutputRecord], tableColumns: [(name: String, header: String)]) throws {
        switch self {
        case .json:
            try printJSON(records)
        case .csv:
            let names = records.first?.fields.map(\.name) ?? []
            var lines = [names.joined(separator: ",")]
            for record in records {
                lines.append(record.fields.map { Self.csvField($0.value?.description ?? "") }.joined(separator: ","))
            }
            Swift.print(lines.joined(separator: "\n"))
        case .table:
            Swift.print(Self.table(records, columns: tableColumns))
        }
    }

    private static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static let terminalWidth = 80

    private static func table(_ records: [OutputRecord], columns: [(name: String, header: String)]) -> String {
        let cells = records.map { record in
            columns.map { column in record.fields.first { $0.name == column.name }?.value?.description ?? "" }
        }
        var widths = columns.indices.map { index in
            max(columns[index].header.count, cells.map { $0[index].count }.max() ?? 0)
        }
        while widths.reduce(0, +) + 2 * (widths.count - 1) > terminalWidth,
            let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 6
        {
            widths[widest] -= 1
        }
        func line(_ values: [String]) -> String {
            zip(values, widths).map { value, width in
                let fitted = value.count > width ? String(value.prefix(width - 1)) + "…" : value
                return fitted.padding(toLength: width, withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        let rows = [line(columns.map(\.header))] + cells.map(line)
        return rows.joined(separator: "\n") + (records.isEmpty ? "\n(none)" : "")
    }
}
