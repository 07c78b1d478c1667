import DICOM
import Foundation
import TestSupport
import Testing

@Suite("Odd files read right: nothing refused, nothing silently partial")
struct OddFileTests {
    private func header(_ name: String) throws -> DICOMHeader {
        try DICOMReader().readHeader(at: OddFiles.path(name))
    }

    @Test("A private value holding the bytes of a Directory Record Type is no reason to refuse an image")
    func privateValueIsNotARecordType() throws {
        let header = try header("private-value-with-record-type-bytes.dcm")
        #expect(header.instance.sopInstanceUID != nil)
        #expect(header.instance.rows == 4)
        #expect(header.readIssues.isEmpty)
    }

    @Test(
        "A meta group that declares another encoding than the dataset uses: read as the bytes are, with a warning",
        arguments: [
            ("declared-explicit-encoded-implicit.dcm", "1.2.840.10008.1.2"),
            ("declared-implicit-encoded-explicit.dcm", "1.2.840.10008.1.2.1"),
            ("declared-big-encoded-little.dcm", "1.2.840.10008.1.2.1"),
        ])
    func transferSyntaxMismatch(name: String, actual: String) throws {
        let header = try header(name)
        #expect(header.fileMeta.transferSyntaxUID == actual)
        #expect(header.study.studyInstanceUID != nil)
        #expect(header.instance.sopInstanceUID != nil)
        #expect(header.patient.patientName?.dicomString == "ODD^FILE")
        #expect(header.instance.rows == 4 && header.instance.columns == 4)
        #expect(header.readIssues.map(\.kind) == [.transferSyntaxMismatch])
    }

    @Test(
        "A transfer syntax DCMTK does not know is reported as the file declares it, the header read whole",
        arguments: [
            ("declared-jpeg-xl.dcm", "1.2.840.10008.1.2.4.111"), ("declared-htj2k.dcm", "1.2.840.10008.1.2.4.201"),
        ])
    func unknownTransferSyntax(name: String, declared: String) throws {
        let header = try header(name)
        #expect(header.fileMeta.transferSyntaxUID == declared)
        #expect(header.instance.sopInstanceUID != nil)
        #expect(header.instance.rows == 4 && header.instance.columns == 4)
        #expect(header.readIssues.isEmpty)
    }

    @Test("A syntax DCMTK does not know over bytes that read as no element is an error that names the syntax")
    func unknownTransferSyntaxUnreadable() throws {
        let error = #expect(throws: DICOMReadError.self) { try header("declared-unknown-deflated.dcm") }
        #expect(error?.description.contains("1.2.826.0.1.3680043.2.1143.999, which this reader does not know") == true)
    }

    @Test(
        "An image cut inside its pixel data, native or encapsulated, is found cut by lengths alone; whole, it is not",
        arguments: [
            "ENCODINGS/BIG_ENDIAN.dcm", "ENCODINGS/ENHANCED_MR.dcm", "ENCODINGS/JPEG2000.dcm",
            "ENCODINGS/JPEG_LOSSLESS.dcm", "ENCODINGS/META_NO_PREAMBLE.dcm", "ENCODINGS/RAW_EXPLICIT",
            "ENCODINGS/RAW_IMPLICIT", "ENCODINGS/RLE.dcm", "ENCODINGS/UN_VR.dcm", "CSPINE_CT/IMAGES/SAG_009.dcm",
        ])
    func pixelDataCutShort(relative: String) throws {
        let whole = try #require(FileManager.default.contents(atPath: SampleStudies.path(relative)))
        #expect(try DICOMReader().readHeader(at: SampleStudies.path(relative)).readIssues.isEmpty)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for cut in [2, 30] {
            let path = try folder.write("cut-\(cut)", Array(whole.dropLast(cut)))
            let header = try DICOMReader().readHeader(at: path)
            #expect(header.instance.sopInstanceUID != nil)
            #expect(header.readIssues.map(\.kind) == [.pixelDataTruncated], "\(relative) less \(cut) bytes")
            #expect(header.readIssues.allSatisfy { $0.isDamage })
        }
    }

    @Test("Native pixel data shorter than Rows, Columns, BitsAllocated and NumberOfFrames need is cut short")
    func pixelDataShorterThanTheImage() throws {
        var bytes = try #require(FileManager.default.contents(atPath: SampleStudies.path("ENCODINGS/RAW_EXPLICIT")))
        // The file ends with its Pixel Data, OW of 2048 bytes: the value and its length both halved,
        // as a writer that stopped halfway through the pixels and fixed up the length would leave it.
        let header = Data([0xE0, 0x7F, 0x10, 0x00, 0x4F, 0x57, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00])
        let at = try #require(bytes.range(of: header))
        bytes.replaceSubrange(at.upperBound - 4..<at.upperBound, with: [0x00, 0x04, 0x00, 0x00])
        bytes.removeLast(1024)
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let path = try folder.write("half", Array(bytes))
        let issues = try DICOMReader().readHeader(at: path).readIssues
        #expect(issues.map(\.kind) == [.pixelDataTruncated])
        #expect(issues.first?.detail.contains("holds 1024 bytes") == true, "\(issues)")
    }

    @Test("A stray item before the UIDs is stepped over and the rest read")
    func strayItem() throws {
        let header = try header("stray-item-before-uids.dcm")
        #expect(header.study.studyInstanceUID != nil)
        #expect(header.series.seriesInstanceUID != nil)
        #expect(header.instance.rows == 4)
        #expect(header.series.sliceThickness == 1.25)
        #expect(header.readIssues.map(\.kind) == [.strayItem])
        #expect(header.readIssues.allSatisfy { !$0.isDamage })
    }

    @Test("A truncated file keeps what came before the break, and says where it broke",
          arguments: ["truncated-after-uids.dcm", "truncated-rt-plan.dcm"])
    func truncated(name: String) throws {
        let header = try header(name)
        #expect(header.study.studyInstanceUID != nil)
        #expect(header.series.seriesInstanceUID != nil)
        #expect(header.instance.sopInstanceUID != nil)
        #expect(header.patient.patientID == "ODD-1")
        #expect(header.readIssues.map(\.kind) == [.truncated])
        #expect(header.readIssues.first?.isDamage == true)
    }

    @Test("UIDs are kept as the file holds them: spaces inside stay, so two UIDs stay two")
    func uidsAsSent() throws {
        #expect(try header("uid-with-spaces.dcm").instance.sopInstanceUID == "REM SAMPLES 1")
        #expect(try header("uid-without-spaces.dcm").instance.sopInstanceUID == "REMSAMPLES1")
    }

    @Test(
        "Mislabelled text is decoded as what its bytes are, flagged, raw bytes kept",
        arguments: [
            ("shift-jis-under-ir13.dcm", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎", "Shift_JIS"),
            ("gbk-under-ir100.dcm", "王^小明", "GBK"),
            ("utf8-undeclared.dcm", "Müller^José", "UTF-8"),
        ])
    func mislabelledText(name: String, text: String, encoding: String) throws {
        let header = try header(name)
        #expect(header.patient.patientName?.dicomString == text)
        let suspect = try #require(header.charsetSuspects.first)
        #expect(suspect.keyword == "PatientName")
        #expect(suspect.decodedAs == encoding)
        #expect(!suspect.rawBytes.isEmpty)
    }
}

@Suite("Only the attributes a header reads handed to DCMTK: the same header as when it decodes every element")
struct ElementSelectionTests {
    static var files: [String] {
        [SampleStudies.root, OddFiles.root].flatMap { root in
            (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
                .map { root + "/" + $0 }
                .filter { var isFolder: ObjCBool = false
                    return FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && !isFolder.boolValue
                }
        }.sorted()
    }

    /// Reads each file with the elements selected (a DICOMDIR's records parsed one at a time from
    /// its bytes) and with every element decoded: equal headers (header digests and read issues
    /// included) and directory record trees, or equal error codes. Returns how many headers and
    /// directories were read.
    static func compareReadings(_ paths: [String]) -> (headers: Int, directories: Int) {
        var everything = DICOMReader.Limits()
        everything.decodesEveryElement = true
        var compared = (headers: 0, directories: 0)
        for path in paths {
            let selected = Result { () throws(DICOMReadError) in try DICOMReader().readFile(at: path) }
            let decoded = Result { () throws(DICOMReadError) in try DICOMReader(limits: everything).readFile(at: path) }
            switch (selected, decoded) {
            case (.success(let one), .success(let other)):
                #expect(one.header == other.header, "\(path)")
                #expect(one.directory == other.directory, "\(path)")
                compared.headers += 1
            case (.failure(let one), .failure(let other)):
                #expect(one.code == other.code, "\(path)")
            default:
                Issue.record("one read succeeded and the other did not: \(path)")
            }
            let selectedTree = Result { () throws(DICOMReadError) in try DICOMReader().readDirectory(at: path) }
            let decodedTree = Result { () throws(DICOMReadError) in
                try DICOMReader(limits: everything).readDirectory(at: path)
            }
            switch (selectedTree, decodedTree) {
            case (.success(let one), .success(let other)):
                #expect(one == other, "\(path)")
                if !one.records.isEmpty { compared.directories += 1 }
            case (.failure(let one), .failure(let other)):
                #expect(one.code == other.code, "\(path)")
            default:
                Issue.record("one directory read succeeded and the other did not: \(path)")
            }
        }
        return compared
    }

    @Test("Every sample and odd file: equal headers, equal header digests, equal directory trees, equal errors")
    func sameHeaders() {
        let compared = Self.compareReadings(Self.files)
        #expect(compared.headers > 140)
        #expect(compared.directories >= 5)
    }

    @Test("The mutation tests' 2,200 damaged samples: equal headers and directory trees, or equal errors")
    func sameHeadersOfMutants() throws {
        let folder = NSTemporaryDirectory() + "studyintake-selection-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let mutants = Mutator.mutants(of: try Mutator.sources(inSampleStudies: SampleStudies.root), count: 2_200)
        let paths = try mutants.enumerated().map { index, bytes in
            let path = folder + "/M\(index).dcm"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
        let compared = Self.compareReadings(paths)
        #expect(compared.headers > 1_000)
        #expect(compared.directories > 5)
    }
}
