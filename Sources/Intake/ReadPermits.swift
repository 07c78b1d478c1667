import Synchronization

/// At most `limit` files read at once, whichever drop they belong to: the drops of one `ingest A B
/// C` or `validate A B C` share one, so `--jobs` bounds the reads of all of them together.
public final class ReadPermits: Sendable {
    public let limit: Int
    private let state: Mutex<(free: Int, waiting: [CheckedContinuation<Void, Never>])>

    public init(_ limit: Int) {
        self.limit = max(1, limit)
        state = Mutex((free: max(1, limit), waiting: []))
    }

    /// Returns once one of the permits is this caller's; `release()` gives it back.
    func acquire() async {
        let granted = state.withLock { state in
            guard state.free > 0 else { return false }
            state.free -= 1
            return true
        }
        guard !granted else { return }
        await withCheckedContinuation { continuation in
            let grantedMeanwhile = state.withLock { state in
                guard state.free > 0 else {
                    state.waiting.append(continuation)
                    return false
                }
                state.free -= 1
                return true
            }
            if grantedMeanwhile { continuation.resume() }
        }
    }

    /// Gives a permit back: to the longest waiting caller, if any.
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
