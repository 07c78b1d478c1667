import Foundation
import Testing

/// The bundled sample discs and the manifest their generator wrote: what each file must read as.
enum SampleStudies {
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SampleStudies").path

    static func path(_ relative: String) -> String { root + "/" + relative }

    static let manifest: Manifest = {
        let data = FileManager.default.contents(atPath: path("manifest.json")) ?? Data()
        return (try? JSONDecoder().decode(Manifest.self, from: data)) ?? Manifest(files: [], errors: [], damaged: [], dicomdirs: [])
    }()

    struct Manifest: Decodable {
        var files: [ExpectedFile]
        var errors: [ExpectedError]
        var damaged: [ExpectedDamage]
        var dicomdirs: [ExpectedDirectory]
    }

    struct ExpectedFile: Decodable, Sendable, CustomTestStringConvertible {
        var path: String
        var TransferSyntaxUID: String
        var hasPreamble: Bool
        var hasMetaGroup: Bool
        var SOPClassUID: String
        var SOPInstanceUID: String
        var StudyInstanceUID: String
        var SeriesInstanceUID: String
        var Modality: String
        var SeriesNumber: Int
        var InstanceNumber: Int
        var PatientID: String
        var PatientName: String
        var StudyDescription: String?
        var SeriesDescription: String
        var Rows: Int
        var SliceThickness: Double?
        var RepetitionTime: Double?
        var plane: String?
        var charsetSuspects: [String]
        var testDescription: String { path }
    }

    struct ExpectedDamage: Decodable, Sendable, CustomTestStringConvertible {
        var path: String
        var readIssue: String
        var PatientID: String
        var testDescription: String { path }
    }

    struct ExpectedError: Decodable, Sendable, CustomTestStringConvertible {
        var path: String
        var errorCode: String
        var testDescription: String { path }
    }

    struct ExpectedDirectory: Decodable, Sendable, CustomTestStringConvertible {
        var path: String
        var fileSetID: String
        var recordTypes: [String: Int]
        var inactiveRecordCount: Int
        var resolved: [String]
        var missing: [String]
        var escapes: [String]
        var testDescription: String { path }
    }
}
