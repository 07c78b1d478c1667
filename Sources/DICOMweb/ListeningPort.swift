import NIOConcurrencyHelpers

/// The port the server is bound to, known once the socket is (it may have been asked for as 0).
final class ListeningPort: Sendable {
    private let port = NIOLockedValueBox<Int?>(nil)

    var value: Int? { port.withLockedValue { $0 } }

    func set(_ value: Int) {
        port.withLockedValue { $0 = value }
    }
}
