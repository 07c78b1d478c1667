import DICOM
import Synchronization

/// Several drops taken in by one command (`ingest A B C`, `validate A B C`), as many at once as
/// their shared `ReadPermits` lets files be read at once. Their reads take turns in the drops'
/// order (`reading`): a drop starts reading once the one before has taken its last file, with all
/// the permits, while the one before finishes what reads nothing (its DICOMDIR checks, its catalog
/// transaction, its move into the store). Two drops reading side by side would end their reads
/// together and leave the readers idle while both finish. With one read at a time, the drops go
/// one after the other.
enum DropBatch {
    /// Runs `body` for each drop (its index and path); the outcomes in the drops' order.
    static func run<Outcome: Sendable>(
        _ drops: [String], reads: ReadPermits, _ body: @escaping @Sendable (Int, String) async -> Outcome
    ) async -> [Outcome] {
        await Array(drops.indices).concurrentMap(width: reads.limit) { index in await body(index, drops[index]) }
    }

    /// Drops taking a step one after the other in their order (their reads; their catalog
    /// transactions, whatever order their reads end in).
    final class TurnOrder: Sendable {
        private let state = Mutex((next: 0, ended: Set<Int>(), waiting: [Int: CheckedContinuation<Void, Never>]()))

        /// Returns once every drop before `index` has ended its turn.
        func begin(_ index: Int) async {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state in
                    guard state.next >= index else {
                        state.waiting[index] = continuation
                        return false
                    }
                    return true
                }
                if ready { continuation.resume() }
            }
        }

        /// Ends the turn of `index`, whether it took its step or failed before (again: nothing).
        func end(_ index: Int) {
            let resumed = state.withLock { state -> CheckedContinuation<Void, Never>? in
                state.ended.insert(index)
                while state.ended.contains(state.next) { state.next += 1 }
                return state.waiting.removeValue(forKey: state.next)
            }
            resumed?.resume()
        }
    }

    /// One drop's place in a `TurnOrder`.
    struct Turn: Sendable {
        let order: TurnOrder
        let index: Int

        func begin() async { await order.begin(index) }
        func end() { order.end(index) }
    }
}
