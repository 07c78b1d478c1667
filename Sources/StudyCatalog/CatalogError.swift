import GRDB

/// A catalog operation that failed, with SQLite's own code and the context.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        /// The catalog file or its folder could not be created or opened.
        case cannotOpen = "cannot-open"
        /// Another process held the catalog longer than the busy timeout.
        case busy
        /// A constraint or a query failed.
        case databaseError = "database-error"
        /// Nothing has the id given.
        case notFound = "not-found"
        /// The record is not in a state that allows the change (a review claimed by someone else).
        case stateConflict = "state-conflict"
    }

    public let code: Code
    /// The catalog path or the operation concerned.
    public let context: String
    /// SQLite's or the system's words.
    public let detail: String

    public var description: String { "catalog \(context): \(detail)" }

    init(code: Code, context: String, detail: String) {
        self.code = code
        self.context = context
        self.detail = detail
    }

    init(_ error: any Error, context: String) {
        if let error = error as? CatalogError {
            self = error
        } else if let error = error as? DatabaseError {
            let busy = error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            self.init(code: busy ? .busy : .databaseError, context: context, detail: error.description)
        } else {
            self.init(code: .databaseError, context: context, detail: "\(error)")
        }
    }
}
