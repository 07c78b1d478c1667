@testable import DICOM
import Foundation
import Testing

@Suite("DICOMDIR records and references")
struct DICOMDirectoryTests {
    @Test("Records, inactive records and references match the generator", arguments: SampleStudies.manifest.dicomdirs)
    func matchesGenerator(expected: SampleStudies.ExpectedDirectory) throws {
        let directory = try DICOMReader().readDirectory(at: SampleStudies.path(expected.path))
        #expect(directory.fileSetID == expected.fileSetID)
        #expect(directory.structuralProblems.isEmpty)
        #expect(directory.inactiveRecordCount == expected.inactiveRecordCount)
        let counts = Dictionary(grouping: directory.allRecords, by: \.recordType).mapValues(\.count)
        #expect(counts == expected.recordTypes)

        let disc = expected.path.split(separator: "/").dropLast().joined(separator: "/")
        let scan = try MediaScan(root: SampleStudies.path(disc))
        var resolved: [String] = []
        var missing: [String] = []
        var escapes: [String] = []
        for record in directory.allRecords {
            guard let fileID = record.referencedFileID else { continue }
            switch scan.resolve(referencedFileID: fileID, fromDICOMDIRAt: "DICOMDIR") {
            case .file(let path): resolved.append(disc + "/" + path)
            case .missing: missing.append(fileID.joined(separator: "\\"))
            case .escapesMedia: escapes.append(fileID.joined(separator: "\\"))
            case .symbolicLink, .hardLink: Issue.record("unexpected link for \(fileID)")
            }
        }
        #expect(resolved.sorted() == expected.resolved)
        #expect(missing == expected.missing)
        #expect(escapes == expected.escapes)
    }

    @Test("A DICOMDIR's records are parsed one at a time, at the offsets DCMTK's whole tree gives them")
    func recordsOneAtATime() throws {
        let path = SampleStudies.path("CSPINE_MR/DICOMDIR")
        func offsets(_ file: DICOMFile) throws -> [UInt32?] {
            var offsets: [UInt32?] = []
            try file.forEachDirectoryRecord { (_, offset) throws(DICOMReadError) in offsets.append(offset) }
            return offsets
        }
        let streamed = try DICOMFile(path: path, stopBefore: .afterDirectoryRecords, limits: DICOMReader.Limits())
        #expect(streamed.dataset.sequenceCount(.directoryRecordSequence) == 0)
        var everything = DICOMReader.Limits()
        everything.decodesEveryElement = true
        let whole = try DICOMFile(path: path, stopBefore: .afterDirectoryRecords, limits: everything)
        let wholeOffsets = try offsets(whole)
        #expect(whole.dataset.sequenceCount(.directoryRecordSequence) == wholeOffsets.count)
        #expect(wholeOffsets.count > 50 && !wholeOffsets.contains(nil))
        #expect(try offsets(streamed) == wholeOffsets)
    }

    /// Each record's offset and type, read one at a time (`decodesEveryElement` false) or from
    /// DCMTK's whole tree.
    private func recordsRead(at path: String, decodesEveryElement: Bool) throws -> [String] {
        var limits = DICOMReader.Limits()
        limits.decodesEveryElement = decodesEveryElement
        let file = try DICOMFile(path: path, stopBefore: .afterDirectoryRecords, limits: limits)
        var records: [String] = []
        try file.forEachDirectoryRecord { (record, offset) throws(DICOMReadError) in
            records.append("\(offset.map(String.init) ?? "-") \(DirectoryRecord(item: record).recordType)")
        }
        return records
    }

    @Test(
        "Records and their sequence of defined or undefined length, written by hand, read one at a time as DCMTK reads them",
        arguments: ["SQ_D_ITEMS_D", "SQ_D_ITEMS_U", "SQ_U_ITEMS_D", "SQ_U_ITEMS_U"])
    func recordLengthsByHand(disc: String) throws {
        let path = OddFiles.path("RECORD_LENGTHS/\(disc)/DICOMDIR")
        let whole = try recordsRead(at: path, decodesEveryElement: true)
        #expect(whole.count == 6)
        #expect(try recordsRead(at: path, decodesEveryElement: false) == whole)
        let directory = try DICOMReader().readDirectory(at: path)
        #expect(directory.structuralProblems.isEmpty)
        #expect(directory.allRecords.compactMap(\.referencedFileID) == (1...3).map { ["DICOM", "IM\($0)"] })
    }

    @Test(
        "DICOMDIRs dcmmkdir writes with explicit (+e) and undefined (-e) lengths read one at a time as DCMTK reads them",
        arguments: ["+e", "-e"])
    func recordLengthsByDcmmkdir(lengths: String) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        try FileManager.default.copyItem(
            atPath: OddFiles.path("RECORD_LENGTHS/SQ_D_ITEMS_D/DICOM"), toPath: folder.path + "/DICOM")
        let dcmmkdir = Process()
        dcmmkdir.executableURL = URL(fileURLWithPath: "/usr/bin/dcmmkdir")
        dcmmkdir.arguments = ["--recurse", "--invent", "--quiet", lengths, "+D", folder.path + "/DICOMDIR", "DICOM"]
        dcmmkdir.currentDirectoryURL = URL(fileURLWithPath: folder.path)
        try dcmmkdir.run()
        dcmmkdir.waitUntilExit()
        #expect(dcmmkdir.terminationStatus == 0)
        let path = folder.path + "/DICOMDIR"
        let whole = try recordsRead(at: path, decodesEveryElement: true)
        #expect(whole.count == 6)
        #expect(try recordsRead(at: path, decodesEveryElement: false) == whole)
        #expect(try DICOMReader().readDirectory(at: path).structuralProblems.isEmpty)
    }

    @Test("Records read one at a time keep the depth limit: the record sequence is a level, as in DCMTK's tree")
    func recordsKeepDepthLimit() throws {
        let path = SampleStudies.path("CSPINE_MR/DICOMDIR")
        for decodesEveryElement in [false, true] {
            var limits = DICOMReader.Limits()
            limits.decodesEveryElement = decodesEveryElement
            limits.maxSequenceDepth = 0
            let error = #expect(throws: DICOMReadError.self) { try DICOMReader(limits: limits).readDirectory(at: path) }
            #expect(error?.code == .limitExceeded)
            limits.maxSequenceDepth = 1
            #expect(try DICOMReader(limits: limits).readDirectory(at: path).allRecords.count > 50)
        }
    }

    @Test("The tree nests patient, study, series and image")
    func treeShape() throws {
        let directory = try DICOMReader().readDirectory(at: SampleStudies.path("CSPINE_MR/DICOMDIR"))
        let patient = try #require(directory.records.first)
        #expect(directory.records.count == 1)
        #expect(patient.recordType == "PATIENT")
        #expect(patient.patientID == "MR40511")
        let series = patient.children.first?.children ?? []
        #expect(series.map(\.modality) == ["MR", "MR", "MR"])
        #expect(series.map(\.children.count) == [15, 15, 18])
    }

    @Test("References resolve case-insensitively, with ;1 suffixes and .dcm aliases")
    func isoNames() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        _ = try folder.write("dicom/st000001/im000001;1", [0])
        _ = try folder.write("DICOM/ST000001/IM000002.dcm", [0])
        _ = try folder.write("DICOM/ST000001/IM000003.", [0])
        let scan = try MediaScan(root: folder.path)
        #expect(
            scan.resolve(referencedFileID: ["DICOM", "ST000001", "IM000001"], fromDICOMDIRAt: "DICOMDIR")
                == .file("dicom/st000001/im000001;1"))
        #expect(
            scan.resolve(referencedFileID: ["DICOM", "ST000001", "IM000002"], fromDICOMDIRAt: "DICOMDIR")
                == .file("DICOM/ST000001/IM000002.dcm"))
        #expect(
            scan.resolve(referencedFileID: ["dicom", "st000001", "im000003"], fromDICOMDIRAt: "DICOMDIR")
                == .file("DICOM/ST000001/IM000003."))
        #expect(
            scan.resolve(referencedFileID: ["ST000001", "IM000002"], fromDICOMDIRAt: "DICOM/DICOMDIR")
                == .file("DICOM/ST000001/IM000002.dcm"))
        #expect(scan.resolve(referencedFileID: ["DICOM", "IM000009"], fromDICOMDIRAt: "DICOMDIR") == .missing)
    }

    @Test(
        "References that leave the disc are refused",
        arguments: [
            ["..", "etc", "passwd"], ["DICOM", "..", "..", "X"], ["/etc/passwd"], ["DICOM/../../X"], ["C:", "X"],
            ["", "X"], ["DICOM", "IM\u{0}1"],
        ])
    func escapesRefused(fileID: [String]) throws {
        let scan = try MediaScan(root: SampleStudies.path("CSPINE_MR"))
        guard case .escapesMedia = scan.resolve(referencedFileID: fileID, fromDICOMDIRAt: "DICOMDIR") else {
            Issue.record("\(fileID) was not refused")
            return
        }
    }

    @Test("A reference to a symbolic link is reported as one, never followed")
    func symbolicLinkReference() throws {
        let scan = try MediaScan(root: SampleStudies.path("TROUBLED"))
        #expect(
            scan.resolve(referencedFileID: ["DICOM", "LINKED"], fromDICOMDIRAt: "DICOMDIR")
                == .symbolicLink("DICOM/LINKED"))
    }
}

@Suite("Damaged DICOMDIR offsets")
struct DamagedDICOMDirectoryTests {
    /// The CSPINE_MR DICOMDIR, written into `folder` with the 4-byte UL value of the first `tag`
    /// element replaced.
    private func patched(_ tag: (UInt8, UInt8, UInt8, UInt8), value: UInt32, in folder: TemporaryFolder) throws
        -> String
    {
        var bytes = try #require(FileManager.default.contents(atPath: SampleStudies.path("CSPINE_MR/DICOMDIR")))
        let pattern = Data([tag.0, tag.1, tag.2, tag.3, 0x55, 0x4C, 0x04, 0x00])
        let range = try #require(bytes.range(of: pattern))
        withUnsafeBytes(of: value.littleEndian) {
            bytes.replaceSubrange(range.upperBound..<range.upperBound + 4, with: $0)
        }
        return try folder.write("DICOMDIR", Array(bytes))
    }

    @Test("A record whose next offset points at itself is reported, not followed forever")
    func loop() throws {
        // The first (0004,1400) is the PATIENT record's, at file offset 404.
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try patched((0x04, 0x00, 0x00, 0x14), value: 404, in: folder)
        let directory = try DICOMReader().readDirectory(at: path)
        #expect(directory.records.count == 1)
        #expect(directory.structuralProblems.contains { $0.contains("loop") })
        #expect(directory.allRecords.count == 53)
    }

    @Test("A root offset that leads nowhere falls back to the records in file order")
    func danglingRoot() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try patched((0x04, 0x00, 0x00, 0x12), value: 12345, in: folder)
        let directory = try DICOMReader().readDirectory(at: path)
        #expect(directory.records.count == 53)
        #expect(directory.structuralProblems.count == 2)
    }
}
