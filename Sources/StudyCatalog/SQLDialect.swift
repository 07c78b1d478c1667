/// The few places the catalog's SQL differs between SQLite and PostgreSQL. Everything else (the
/// tables, the queries, `ON CONFLICT`, `RETURNING`) is written once, with `?` placeholders.
public enum SQLDialect: Sendable {
    case sqlite, postgres

    /// A scalar subquery joining the distinct values of `column` over `rows` (a FROM clause's body)
    /// with `separator`; NULL when there are none.
    func distinctList(_ column: String, from rows: String, separator: String = " ") -> String {
        switch self {
        case .sqlite:
            "(SELECT group_concat(listed, '\(separator)') FROM (SELECT DISTINCT \(column) AS listed FROM \(rows)))"
        case .postgres: "(SELECT string_agg(DISTINCT \(column), '\(separator)') FROM \(rows))"
        }
    }

    /// A condition that `column` matches a `NameKey.keyPatterns` pattern (one `?` argument).
    func keyMatch(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column) GLOB ?"
        case .postgres: "\(column) LIKE ? COLLATE \"C\""
        }
    }

    /// A `NameKey.keyPatterns` pattern (`*`, `?`) in this dialect's matching syntax.
    func keyPattern(_ pattern: String) -> String {
        switch self {
        case .sqlite:
            return pattern.replacingOccurrences(of: "[", with: "[[]")
        case .postgres:
            var escaped = ""
            for character in pattern {
                switch character {
                case "\\", "%", "_": escaped += "\\" + String(character)
                case "*": escaped += "%"
                case "?": escaped += "_"
                default: escaped.append(character)
                }
            }
            return escaped
        }
    }

    /// A condition that `column` matches a LIKE pattern (`containsPattern`, `wildcardPattern`) in
    /// any case, one `?` argument.
    func anyCaseMatch(_ column: String) -> String {
        switch self {
        case .sqlite: "\(column) LIKE ? ESCAPE '\\'"
        case .postgres: "\(column) ILIKE ? ESCAPE '\\'"
        }
    }

    func containsPattern(_ text: String) -> String {
        var escaped = "%"
        for character in text {
            if "\\%_".contains(character) { escaped += "\\" }
            escaped.append(character)
        }
        return escaped + "%"
    }

    /// A DICOM wildcard pattern (`*` any run, `?` one character) as a LIKE pattern of the whole value.
    func wildcardPattern(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "*": escaped += "%"
            case "?": escaped += "_"
            case "\\", "%", "_": escaped += "\\" + String(character)
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// One SQL statement with `?` placeholders, its arguments, and the types of the columns it returns
/// (so that each backend decodes them as the same `CatalogValue`s).
public struct SQLStatement: Sendable {
    public var sql: String
    public var arguments: [CatalogValue]
    public var resultTypes: [CatalogTable.ColumnType]

    public init(_ sql: String, _ arguments: [CatalogValue] = [], returning resultTypes: [CatalogTable.ColumnType] = [])
    {
        self.sql = sql
        self.arguments = arguments
        self.resultTypes = resultTypes
    }
}
