import DICOM
import Testing

@Suite("Reading from many tasks at once")
struct ConcurrencyTests {
    @Test("Eight concurrent inspections of one disc give what one sequential read gives")
    func eightTasks() async throws {
        let disc = SampleStudies.path("CSPINE_MR")
        let sequential = await MediaInspector(maxConcurrentReads: 1).inspect(paths: [disc]).map(Self.fingerprint)
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
        #expect(sequential.count == 49)
        #expect(sequential.filter { $0.contains("SOPInstanceUID=") }.count == 48, "every image read whole")
        for run in runs {
            #expect(run == sequential)
        }
    }

    private static func fingerprint(_ entry: InspectionEntry) -> String {
        switch entry.outcome {
        case .success(let header):
            return entry.path + " " + header.keywordValues.map { "\($0.keyword)=\($0.value)" }.joined()
        case .failure(let error): return entry.path + " " + error.description
        }
    }
}
