/// A DICOMDIR read as a manifest: its record tree with inactive records left out, and what was
/// wrong with its structure. Nothing here has been checked against the files on the disc.
public struct DICOMDirectory: Sendable, Hashable {
    /// (0004,1130) File-set ID.
    public var fileSetID: String?
    /// The root directory entity's records (usually PATIENT records).
    public var records: [DirectoryRecord]
    /// Records skipped because (0004,1410) Record In-use Flag was 0000H, with everything below them.
    public var inactiveRecordCount: Int
    /// Structural problems found while walking the offsets (dangling offsets, loops). When the
    /// offsets cannot be followed at all, the records are listed flat in file order instead.
    public var structuralProblems: [String]

    /// Every active record, depth first.
    public var allRecords: [DirectoryRecord] { records.flatMap(\.flattened) }
}

extension DICOMDirectory {
    /// Builds the tree by following the offsets (PS3.10 8.2): (0004,1200) to the first root record,
    /// (0004,1400) to the next sibling, (0004,1420) to the first child.
    init(file: DICOMFile) {
        let dataset = file.dataset
        let items = dataset.sequenceItems(.directoryRecordSequence)
        fileSetID = dataset.stringBytes(.fileSetID).map { String(decoding: $0, as: UTF8.self).trimmingSpaces() }
        var problems: [String] = []
        var indexByOffset: [UInt32: Int] = [:]
        for (index, item) in items.enumerated() {
            if let offset = item.recordOffset { indexByOffset[offset] = index }
        }
        var visited = Set<Int>()
        var inactive = 0

        func siblings(startingAt firstOffset: UInt32, depth: Int) -> [DirectoryRecord] {
            var records: [DirectoryRecord] = []
            var offset = firstOffset
            while offset != 0 {
                guard let index = indexByOffset[offset] else {
                    problems.append("a record offset (\(offset)) points at no directory record")
                    break
                }
                guard visited.insert(index).inserted else {
                    problems.append("the record offsets loop back to record \(index + 1)")
                    break
                }
                let item = items[index]
                let lower = UInt32(item.number(.offsetOfReferencedLowerLevelDirectoryEntity) ?? 0)
                if item.number(.recordInUseFlag) == 0 {
                    inactive += 1 + countBelow(lower)
                } else {
                    var record = DirectoryRecord(item: item)
                    if depth < 16 {
                        record.children = siblings(startingAt: lower, depth: depth + 1)
                    } else if lower != 0 {
                        problems.append("records nest deeper than 16 levels")
                    }
                    records.append(record)
                }
                offset = UInt32(item.number(.offsetOfTheNextDirectoryRecord) ?? 0)
            }
            return records
        }

        func countBelow(_ firstOffset: UInt32) -> Int {
            var count = 0
            var offset = firstOffset
            while offset != 0, let index = indexByOffset[offset], visited.insert(index).inserted {
                let item = items[index]
                count += 1 + countBelow(UInt32(item.number(.offsetOfReferencedLowerLevelDirectoryEntity) ?? 0))
                offset = UInt32(item.number(.offsetOfTheNextDirectoryRecord) ?? 0)
            }
            return count
        }

        let first = UInt32(dataset.number(.offsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity) ?? 0)
        var records = siblings(startingAt: first, depth: 0)
        if records.isEmpty && !items.isEmpty && inactive < items.count {
            problems.append("the root record offset does not lead to the records; listed in file order")
            records = items.filter { $0.number(.recordInUseFlag) != 0 }.map(DirectoryRecord.init(item:))
            inactive = items.count - records.count
        }
        self.records = records
        self.inactiveRecordCount = inactive
        self.structuralProblems = problems
    }
}

extension DirectoryRecord {
    init(item: DatasetItem) {
        func code(_ tag: DICOMTag) -> String? {
            guard let bytes = item.stringBytes(tag) else { return nil }
            let text = String(decoding: bytes, as: UTF8.self).trimmingSpaces()
            return text.isEmpty ? nil : text
        }
        recordType = code(.directoryRecordType) ?? "UNKNOWN"
        referencedFileID = code(.referencedFileID).map {
            $0.split(separator: "\\", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        }
        referencedSOPClassUIDInFile = code(.referencedSOPClassUIDInFile)
        referencedSOPInstanceUIDInFile = code(.referencedSOPInstanceUIDInFile)
        referencedTransferSyntaxUIDInFile = code(.referencedTransferSyntaxUIDInFile)
        patientID = code(.patientID)
        studyInstanceUID = code(.studyInstanceUID)
        seriesInstanceUID = code(.seriesInstanceUID)
        modality = code(.modality)
        children = []
    }
}
