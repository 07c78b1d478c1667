import DICOM
import Testing

@Suite("Reading from many tasks at once")
struct ConcurrencyTests {
    @Test("Eight concurrent inspections of one disc give identical results")
    func eightTasks() async throws {
        let disc = SampleStudies.path("CSPINE_MR")
        let runs = await withTaskGroup(of: [String].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    await MediaInspector(maxConcurrentReads: 4).inspect(paths: [disc]).map(Self.fingerprint)
                }
            }
            var all: [[String]] = []
            for await run in group { all.append(run) }
            return all
        }
        #expect(runs.count == 8)
        #expect(runs[0].count == 49)
        #expect(runs.allSatisfy { $0 == runs[0] })
    }

    private static func fingerprint(_ entry: InspectionEntry) -> String {
        switch entry.outcome {
        case .success(let header):
            return entry.path + " " + header.keywordValues.map { "\($0.keyword)=\($0.value)" }.joined()
        case .failure(let error): return entry.path + " " + error.description
        }
    }
}
