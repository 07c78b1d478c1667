import DICOM
import Foundation
import StudyCatalog

/// The value rules: attributes a reviewer needs, UID and date syntax.
extension SubmissionAssembly {
    /// Attributes a reviewer needs but the file lacks, and UIDs or dates that break DICOM's syntax.
    static func valueFindings(_ header: DICOMHeader, path: String, uid: String) -> [Finding] {
        var result: [Finding] = []
        let wanted: [(String, String?)] = [
            ("PatientID", header.patient.patientID), ("Modality", header.series.modality),
            ("StudyDate", header.study.studyDate),
        ]
        let absent = wanted.filter { $0.1 == nil }.map(\.0)
        if !absent.isEmpty {
            result.append(
                Finding(
                    severity: .warning, code: "missing-attribute", message: "no \(absent.joined(separator: ", "))",
                    path: path, uid: uid))
        }
        let uids: [(String, String?)] = [
            ("StudyInstanceUID", header.study.studyInstanceUID), ("SeriesInstanceUID", header.series.seriesInstanceUID),
            ("SOPInstanceUID", header.instance.sopInstanceUID), ("SOPClassUID", header.instance.sopClassUID),
        ]
        for (keyword, value) in uids {
            if let value, !UIDSyntax.isConformant(value) {
                result.append(
                    Finding(
                        severity: .warning, code: "invalid-uid", message: "\(keyword) \(value) is not a valid UID",
                        path: path, uid: uid))
            }
        }
        // The keyword only: a birth date is never repeated into a finding.
        let dates: [(String, String?)] = [
            ("StudyDate", header.study.studyDate), ("PatientBirthDate", header.patient.patientBirthDate),
            ("AcquisitionDate", header.instance.acquisitionDate),
        ]
        for (keyword, value) in dates {
            if let value, !isValidDate(value) {
                result.append(
                    Finding(
                        severity: .warning, code: "invalid-date", message: "\(keyword) is not a DICOM date (YYYYMMDD)",
                        path: path, uid: uid))
            }
        }
        return result
    }

    /// PS3.5 6.2 DA: YYYYMMDD, a real calendar day. Plain arithmetic: it runs for every date of every
    /// file.
    static func isValidDate(_ value: String) -> Bool {
        let digits = value.utf8.map { Int($0) - Int(UInt8(ascii: "0")) }
        guard digits.count == 8, digits.allSatisfy({ (0...9).contains($0) }) else { return false }
        let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
        let month = digits[4] * 10 + digits[5]
        let day = digits[6] * 10 + digits[7]
        guard (1...12).contains(month) else { return false }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return (1...lengths[month - 1]).contains(day)
    }
}
