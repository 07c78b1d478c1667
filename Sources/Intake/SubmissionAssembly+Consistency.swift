import DICOM
import Foundation
import StudyCatalog

/// The consistency rule: one study's instances agree on who and when.
extension SubmissionAssembly {
    /// `study-attribute-conflict`: instances of one study that disagree on who or when. Names the
    /// keywords only, never the values.
    func consistencyFindings() -> [Finding] {
        studyOrder.compactMap { study in
            let disagreeing = (studyValues[study] ?? [:]).filter { $0.value.count > 1 }.keys.sorted()
            guard !disagreeing.isEmpty else { return nil }
            return Finding(
                severity: .warning, code: "study-attribute-conflict",
                message: "instances of one study disagree on \(disagreeing.joined(separator: ", "))", uid: study)
        }
    }
}
