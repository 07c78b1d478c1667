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
    public var allRecords: [DirectoryRecord] {
        var all: [DirectoryRecord] = []
        forEachRecord { all.append($0) }
        return all
    }

    /// Calls `body` with every active record, depth first, without gathering them.
    public func forEachRecord(_ body: (DirectoryRecord) -> Void) {
        func visit(_ records: [DirectoryRecord]) {
            for record in records {
                body(record)
                visit(record.children)
            }
        }
        visit(records)
    }
}

extension DICOMDirectory {
    /// What the tree is built from: one record with its links, in file order.
    private struct Entry {
        var record: DirectoryRecord
        var next: UInt32
        var lower: UInt32
        var inUse: Bool
    }

    /// Builds the tree by following the offsets (PS3.10 8.2): (0004,1200) to the first root record,
    /// (0004,1400) to the next sibling, (0004,1420) to the first child. The records are taken one at
    /// a time, keeping only what the tree needs of each; more than `maximumRecords` is an error.
    init(file: DICOMFile, maximumRecords: Int) throws(DICOMReadError) {
        let dataset = file.dataset
        fileSetID = dataset.stringBytes(.fileSetID).map { String(decoding: $0, as: UTF8.self).trimmingSpaces() }
        let first = UInt32(dataset.number(.offsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity) ?? 0)
        var entries: [Entry] = []
        var indexByOffset: [UInt32: Int] = [:]
        try file.forEachDirectoryRecord { (item, offset) throws(DICOMReadError) in
            guard entries.count < maximumRecords else {
                throw DICOMReadError(
                    code: .limitExceeded, path: file.path,
                    detail: "more than \(maximumRecords) directory records, the limit")
            }
            if let offset { indexByOffset[offset] = entries.count }
            entries.append(
                Entry(
                    record: DirectoryRecord(item: item),
                    next: UInt32(item.number(.offsetOfTheNextDirectoryRecord) ?? 0),
                    lower: UInt32(item.number(.offsetOfReferencedLowerLevelDirectoryEntity) ?? 0),
                    inUse: item.number(.recordInUseFlag) != 0))
        }
        var problems: [String] = []
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
                let entry = entries[index]
                if !entry.inUse {
                    inactive += 1 + countBelow(entry.lower)
                } else {
                    var record = entry.record
                    if depth < 16 {
                        record.children = siblings(startingAt: entry.lower, depth: depth + 1)
                    } else if entry.lower != 0 {
                        problems.append("records nest deeper than 16 levels")
                    }
                    records.append(record)
                }
                offset = entry.next
            }
            return records
        }

        func countBelow(_ firstOffset: UInt32) -> Int {
            var count = 0
            var offset = firstOffset
            while offset != 0, let index = indexByOffset[offset], visited.insert(index).inserted {
                count += 1 + countBelow(entries[index].lower)
                offset = entries[index].next
            }
            return count
        }

        var records = siblings(startingAt: first, depth: 0)
        if records.isEmpty && !entries.isEmpty && inactive < entries.count {
            problems.append("the root record offset does not lead to the records; listed in file order")
            records = entries.filter(\.inUse).map(\.record)
            inactive = entries.count - records.count
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
