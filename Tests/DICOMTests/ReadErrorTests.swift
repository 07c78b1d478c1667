import DICOM
import Foundation
import Testing

@Suite("Typed errors for what is not a readable DICOM file")
struct ReadErrorTests {
    private func code(reading path: String) -> DICOMReadError.Code? {
        do {
            _ = try DICOMReader().readHeader(at: path)
            return nil
        } catch {
            return error.code
        }
    }

    @Test("A missing file is not-found")
    func missingFile() {
        #expect(code(reading: "/nonexistent/IM000001") == .notFound)
    }

    @Test("A folder is not a regular file")
    func folder() {
        #expect(code(reading: SampleStudies.path("CSPINE_MR")) == .notRegularFile)
    }

    @Test(
        "Empty, short and garbage files are not DICOM",
        arguments: [
            [UInt8](), [0x08, 0x00], Array("MZ not a dicom file at all".utf8), [UInt8](repeating: 0xFF, count: 512),
        ])
    func notDICOM(bytes: [UInt8]) throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("garbage", bytes)
        #expect(code(reading: file) == .notDICOM)
    }

    @Test("A plausible first tag followed by garbage is a finding, not a crash")
    func plausibleStartThenGarbage() throws {
        var bytes: [UInt8] = [0x08, 0x00, 0x05, 0x00, 0x43, 0x53, 0xFF, 0xFF]
        bytes += (0..<400).map { UInt8(truncatingIfNeeded: $0 &* 37) }
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("garbage", bytes)
        // The element claims 65,535 bytes and 400 follow: nothing complete was read.
        #expect(code(reading: file) == .truncated)
    }

    @Test("Every cut of a header gives a value or a typed error")
    func everyTruncation() throws {
        let original = try #require(
            FileManager.default.contents(atPath: SampleStudies.path("CSPINE_CT/IMAGES/BONE_001.dcm")))
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        for length in stride(from: 0, to: 1500, by: 7) {
            let file = try folder.write("cut-\(length)", Array(original.prefix(length)))
            let result = code(reading: file)
            #expect(result != .internalError, "cut at \(length)")
        }
    }

    @Test("An unreadable file is permission-denied", .enabled(if: getuid() != 0, "root reads everything"))
    func permissionDenied() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let file = try folder.write("locked", [0x08, 0x00])
        chmod(file, 0)
        #expect(code(reading: file) == .permissionDenied)
    }

    @Test("The error names the path and says what is wrong in one line")
    func description() {
        let error = DICOMReadError(code: .truncated, path: "/disc/IM1", detail: "premature end")
        #expect(error.description == "/disc/IM1: truncated DICOM file: premature end")
        #expect(!error.description.contains("\n"))
    }
}

/// A folder under the system's temporary directory for the files one test writes; the test
/// removes it with `defer { folder.remove() }`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "studyintake-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `bytes` to `name` (which may contain `/`) and returns the full path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}

@Suite("Inputs the fuzzers found, read again on every test run")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/regressions").path

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test("There are regression inputs")
    func present() {
        #expect(Self.inputs.count >= 2)
    }

    /// A Directory Record Type longer than CS allows made DCMTK loop or throw and leak; it is now
    /// refused before DCMTK parses it, whether the file is read as a header or as a DICOMDIR.
    @Test("Each is a typed error or a value, read as a header and as a DICOMDIR", arguments: inputs)
    func readsSafely(name: String) {
        let path = Self.folder + "/" + name
        for read in [{ _ = try DICOMReader().readHeader(at: path) }, { _ = try DICOMReader().readDirectory(at: path) }]
        {
            do {
                try read()
            } catch let error as DICOMReadError {
                #expect(error.code == .malformed, "\(error)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}

@Suite("Nesting bombs: deeper than DCMTK's recursion can go on one stack")
struct NestingBombTests {
    /// A sample file with `depth` sequences nested right after its meta group, each one item deep.
    static func nested(_ depth: Int) throws -> String {
        let source = try [UInt8](
            Data(contentsOf: URL(fileURLWithPath: SampleStudies.path("CSPINE_CT/IMAGES/BONE_006.dcm"))))
        let groupLength = Int(source[140]) | Int(source[141]) << 8 | Int(source[142]) << 16 | Int(source[143]) << 24
        let metaEnd = 144 + groupLength
        let open: [UInt8] =
            [0x08, 0x00, 0x40, 0x11] + Array("SQ".utf8) + [0, 0, 0xFF, 0xFF, 0xFF, 0xFF]
            + [0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF]
        let close: [UInt8] = [0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]
        var bytes = Array(source[..<metaEnd])
        bytes.reserveCapacity(source.count + depth * (open.count + close.count))
        for _ in 0..<depth { bytes += open }
        for _ in 0..<depth { bytes += close }
        bytes += source[metaEnd...]
        let path = NSTemporaryDirectory() + "studyintake-nested-\(depth)-\(UUID().uuidString).dcm"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(
        "Beyond the depth limit, below and above what one stack holds, beyond the item limit",
        arguments: [40, 10_000, 120_000])
    func bomb(depth: Int) throws {
        let path = try Self.nested(depth)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try DICOMReader().readHeader(at: path)
            Issue.record("a \(depth)-deep file was read")
        } catch {
            #expect(error.code == .limitExceeded, "\(error)")
        }
    }

    @Test("Within the depth limit the file reads")
    func shallow() throws {
        let path = try Self.nested(5)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let header = try DICOMReader().readHeader(at: path)
        #expect(header.series.modality == "CT")
    }
}

@Suite("Reading below a drop's root")
struct BeneathRootTests {
    @Test("A folder swapped for a symbolic link after the listing is refused, not followed")
    func swappedFolder() throws {
        let folder = try TemporaryFolder()
        defer { folder.remove() }
        let sample = try Data(contentsOf: URL(fileURLWithPath: SampleStudies.path("CSPINE_CT/IMAGES/BONE_001.dcm")))
        let drop = folder.path + "/drop"
        try FileManager.default.createDirectory(atPath: drop + "/IMAGES", withIntermediateDirectories: true)
        try sample.write(to: URL(fileURLWithPath: drop + "/IMAGES/IM1"))
        try FileManager.default.createDirectory(atPath: folder.path + "/elsewhere", withIntermediateDirectories: true)
        try sample.write(to: URL(fileURLWithPath: folder.path + "/elsewhere/IM1"))
        let scan = try MediaScan(root: drop)
        #expect(scan.regularFiles.map(\.relativePath) == ["IMAGES/IM1"])
        #expect(try DICOMReader().readHeader(at: "IMAGES/IM1", in: scan.folder).series.modality == "CT")

        try FileManager.default.removeItem(atPath: drop + "/IMAGES")
        try FileManager.default.createSymbolicLink(
            atPath: drop + "/IMAGES", withDestinationPath: folder.path + "/elsewhere")
        do {
            _ = try DICOMReader().readHeader(at: "IMAGES/IM1", in: scan.folder)
            Issue.record("read through a symbolic link")
        } catch {
            #expect(error.code == .symlinkNotFollowed)
        }
        #expect(scan.folder.openForReading("IMAGES/IM1") == -1)
        #expect(scan.folder.openForReading("../elsewhere/IM1") == -1)
    }
}
