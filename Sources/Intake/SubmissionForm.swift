import DICOM
import Foundation
import StudyCatalog

/// `submission.json`, the optional form staff put in a drop: our fields in camelCase, the patient's
/// as DICOM keywords.
///
/// ```json
/// {"note": "OPLL between C3 and C4, extended to C2", "priority": "urgent", "requester": "Dr. Weiss",
///  "PatientName": "MÜLLER^JÜRGEN", "PatientBirthDate": "19510707", "multiplePatients": false}
/// ```
public struct SubmissionForm: Decodable, Sendable, Equatable {
    public static let fileName = "submission.json"

    public var note: String?
    public var priority: SubmissionRecord.Priority?
    public var requester: String?
    /// As staff typed it: compared with the headers, never trusted over them.
    public var patientName: String?
    public var patientBirthDate: String?
    /// Staff know the drop holds several patients (a family's discs in one folder): no hold for it.
    public var multiplePatients: Bool?

    enum CodingKeys: String, CodingKey {
        case note, priority, requester, multiplePatients
        case patientName = "PatientName"
        case patientBirthDate = "PatientBirthDate"
    }

    /// What a drop's form said.
    enum Reading {
        case absent
        case form(SubmissionForm)
        /// It is there but cannot be read: a finding, never a crash.
        case unreadable(SubmissionRecord.Finding)
    }

    /// The largest form read: a note and a few fields, never megabytes.
    static let maximumSize = 64 * 1024

    /// Reads the form of the drop at `folder` like every other file of a drop: opened below the
    /// drop through no symbolic link (a link is a finding, never followed), at most `maximumSize`.
    static func read(inDropAt folder: String) -> Reading {
        let descriptor: Int32
        do throws(DICOMReadError) {
            descriptor = try Folder(path: folder).openForReading(fileName)
        } catch {
            return .unreadable(refusal("the drop could not be opened (\(error.summary))"))
        }
        guard descriptor >= 0 else {
            switch errno {
            case ENOENT: return .absent
            case ELOOP, EXDEV: return .unreadable(refusal("a symbolic link, not followed"))
            default: return .unreadable(refusal(String(cString: strerror(errno))))
            }
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        guard let data = try? handle.read(upToCount: maximumSize + 1) ?? Data() else {
            return .unreadable(refusal("not a readable regular file"))
        }
        guard data.count <= maximumSize else { return .unreadable(refusal("larger than \(maximumSize) bytes")) }
        do {
            return .form(try JSONDecoder().decode(SubmissionForm.self, from: data))
        } catch {
            return .unreadable(refusal(Self.reason(error)))
        }
    }

    private static func refusal(_ reason: String) -> SubmissionRecord.Finding {
        SubmissionRecord.Finding(
            severity: .warning, code: "submission-form-invalid",
            message: "\(fileName) could not be read (\(reason)); its note and priority were not used",
            path: fileName)
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted: return "not valid JSON"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "bad value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        default: return "unexpected content"
        }
    }
}

extension SubmissionRecord.Priority: Decodable {}
