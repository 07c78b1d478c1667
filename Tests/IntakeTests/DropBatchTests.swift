import DICOM
import Foundation
import Synchronization
import Testing

@testable import Intake

@Suite("Drops of one command taking turns")
struct DropBatchTests {
    @Test("Turns go in the drops' order, whichever drop asks first")
    func turnsInOrder() async {
        let order = DropBatch.TurnOrder()
        let taken = Shared<[Int]>([])
        await withTaskGroup(of: Void.self) { group in
            for index in [3, 1, 2, 0] {
                group.addTask {
                    await order.begin(index)
                    taken.update { $0.append(index) }
                    order.end(index)
                }
            }
        }
        #expect(taken.value == [0, 1, 2, 3])
    }

    @Test("A turn ended before it began (a drop that failed first), or ended twice, lets the next go")
    func endedEarly() async {
        let order = DropBatch.TurnOrder()
        order.end(1)
        order.end(0)
        order.end(0)
        #expect(await Self.returnsSoon { await order.begin(2) })
        #expect(await Self.returnsSoon { await order.begin(1) })
    }

    @Test("A drop's pass ends its read turn once it has taken its last file, empty or not: the next drop's pass reads")
    func passesTakeTurns() async throws {
        let drops = ["CSPINE_MR", "CHARSETS", "TWO_PATIENTS"].map { IngesterTests.sampleStudies + "/" + $0 }
        let scans = try drops.map { try MediaScan(root: $0) }
        let reads = ReadPermits(2)
        let reading = DropBatch.TurnOrder()
        let handed = Shared<[Int: Int]>([:])
        // The last drop asks for its turn first; the middle one has nothing to read.
        let finished = await Self.returnsSoon {
            await withTaskGroup(of: Void.self) { group in
                for index in scans.indices.reversed() {
                    group.addTask {
                        let pass = DropPass(
                            scan: scans[index], reader: DICOMReader(), keeping: .readHeaderOnly, reads: reads,
                            readTurn: DropBatch.Turn(order: reading, index: index))
                        let files = index == 1 ? [] : scans[index].regularFiles
                        _ = try? await pass.run(files) { _ in handed.update { $0[index, default: 0] += 1 } }
                    }
                }
            }
        }
        #expect(finished)
        let counts = handed.value
        #expect(counts[0] == scans[0].regularFiles.count)
        #expect(counts[1] == nil)
        #expect(counts[2] == scans[2].regularFiles.count)
        #expect((counts[0] ?? 0) > 0 && (counts[2] ?? 0) > 0)
    }

    /// Whether `body` returns within ten seconds. A turn never given waits for ever, so `body` runs
    /// in a task of its own that is left waiting, rather than in a group that would wait for it.
    private static func returnsSoon(_ body: @escaping @Sendable () async -> Void) async -> Bool {
        let returned = Shared(false)
        Task {
            await body()
            returned.update { $0 = true }
        }
        for _ in 0..<1000 {
            if returned.value { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

/// A value the tasks of a test share.
private final class Shared<Value: Sendable>: Sendable {
    private let state: Mutex<Value>

    init(_ value: Value) { state = Mutex(value) }

    var value: Value { state.withLock { $0 } }

    func update(_ change: (inout Value) -> Void) { state.withLock { change(&$0) } }
}
