/// A catalog operation that failed, with the database's own words and the context.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The catalog file or its folder could not be created or opened, or the URL is not one.
        case cannotOpen = "cannot-open"
        /// The database server could not be reached, or the connection to it was lost.
        case unreachable
        /// Another process held the catalog (a lock, a statement) longer than the timeout.
        case busy
        /// A constraint or a query failed.
        case databaseError = "database-error"
        /// Nothing has the id given.
        case notFound = "not-found"
        /// The record is not in a state that allows the change (a review claimed by someone else).
        case stateConflict = "state-conflict"
    }

    public let code: Code
    /// The catalog's location or the operation concerned.
    public let context: String
    /// The database's or the system's words.
    public let detail: String

    public var description: String { "catalog \(context): \(detail)" }

    public init(code: Code, context: String, detail: String) {
        self.code = code
        self.context = context
        self.detail = detail
    }
}
