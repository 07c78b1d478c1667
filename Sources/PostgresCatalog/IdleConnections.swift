import NIOConcurrencyHelpers
import PostgresNIO

/// The connections a catalog keeps open between operations, at most `limit`: an operation takes
/// one (or opens a new one), and gives it back only when it ended well, outside any transaction. A
/// connection the server has closed meanwhile (a restart) is dropped when taken, so the next
/// operation connects again; one that fails during an operation is closed, never kept.
final class IdleConnections: Sendable {
    private let connections = NIOLockedValueBox<[PostgresConnection]>([])
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// An open connection kept earlier, or nil.
    func take() -> PostgresConnection? {
        while let connection = connections.withLockedValue({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        return nil
    }

    /// Keeps `connection` for a later operation, or closes it when `limit` are kept already.
    func giveBack(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        let kept = connections.withLockedValue { idle in
            guard idle.count < limit else { return false }
            idle.append(connection)
            return true
        }
        if !kept { Self.close(connection) }
    }

    /// Closes every connection kept.
    func closeAll() async {
        for connection in connections.withLockedValue({ idle in
            defer { idle = [] }; return idle
        }) {
            try? await connection.close()
        }
    }

    deinit {
        for connection in connections.withLockedValue({ $0 }) { Self.close(connection) }
    }

    /// Closes without waiting; the connection is kept alive until it is closed.
    private static func close(_ connection: PostgresConnection) {
        connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
    }
}
