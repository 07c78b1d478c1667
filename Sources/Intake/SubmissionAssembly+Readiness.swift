import DICOM
import Foundation
import StudyCatalog

/// The review-readiness rule of a cervical-spine second opinion.
extension SubmissionAssembly {
    /// `review-readiness`: what a cervical-spine second opinion needs and the disc lacks, phrased so
    /// staff can forward it to the patient. Met by an MR with a sagittal and an axial T2-weighted
    /// series, or a CT with a bone kernel and a sagittal reformat.
    func readinessFindings() -> [Finding] {
        guard rules == .spineReview, !instances.isEmpty else { return [] }
        let headers = seriesOrder.compactMap { seriesHeaders[$0] }
        let cervical =
            headers.contains { header in
                let texts = [
                    header.series.seriesDescription, header.series.protocolName, header.series.bodyPartExamined,
                    header.study.studyDescription,
                ].compactMap { $0 }
                return SpinalLevelMentions(texts: texts).regions.contains(.cervical)
            } || SpinalLevelMentions(text: note ?? "").regions.contains(.cervical)
        guard cervical else { return [] }
        let mr = headers.filter { $0.series.modality == "MR" }
        let ct = headers.filter { $0.series.modality == "CT" }
        let t2 = mr.filter(Self.isT2Weighted)
        let mrMissing = [
            t2.contains { $0.series.plane == .sagittal }
                ? nil : "No sagittal T2-weighted MRI of the cervical spine was found on this disc",
            t2.contains { $0.series.plane == .axial }
                ? nil : "No axial T2-weighted MRI of the cervical spine was found on this disc",
        ].compactMap { $0 }
        let bone = ct.filter(Self.hasBoneKernel)
        let ctMissing = [
            bone.isEmpty ? "No CT of the cervical spine in a bone kernel was found on this disc" : nil,
            bone.contains { $0.series.plane == .sagittal }
                ? nil : "No sagittal CT reformat of the cervical spine in a bone kernel was found on this disc",
        ].compactMap { $0 }
        if (!mr.isEmpty && mrMissing.isEmpty) || (!ct.isEmpty && ctMissing.isEmpty) { return [] }
        let missing = ct.isEmpty ? mrMissing : mr.isEmpty ? ctMissing : mrMissing + ctMissing
        return missing.map { Finding(severity: .warning, code: "review-readiness", message: $0) }
    }

    /// T2 from the description (`T2`, `T2W`, not `T2*`), else from timing: TR ≥ 2000 ms and TE ≥ 60 ms.
    static func isT2Weighted(_ header: DICOMHeader) -> Bool {
        let text = [header.series.seriesDescription, header.series.protocolName].compactMap { $0 }
        if let named = namesT2Weighting(text.joined(separator: " ")) { return named }
        guard let tr = header.series.repetitionTime, let te = header.series.echoTime else { return false }
        return tr >= 2000 && te >= 60
    }

    /// Whether a description names T2 weighting: true for `T2`, `T2W`; false for `T2*` or T1; nil
    /// when it names neither.
    static func namesT2Weighting(_ description: String) -> Bool? {
        let text = description.uppercased()
        if text.contains("T2*") || text.contains("T2 *") { return false }
        if text.contains(#/(^|[^A-Z0-9])T2(W|[^A-Z0-9*]|$)/#) { return true }
        if text.contains(#/(^|[^A-Z0-9])T1(W|[^A-Z0-9]|$)/#) { return false }
        return nil
    }

    /// A bone reconstruction kernel (BONE, BONEPLUS, Siemens B/Br 60 and sharper, Toshiba/Canon FC30
    /// and sharper), or BONE in the description.
    static func hasBoneKernel(_ header: DICOMHeader) -> Bool {
        let kernel = (header.series.convolutionKernel ?? []).joined(separator: " ")
        return (header.series.seriesDescription ?? "").uppercased().contains("BONE") || isBoneKernel(kernel)
    }

    /// BONE, BONEPLUS, Siemens B/Br 60 and sharper, Toshiba/Canon FC30 and sharper.
    static func isBoneKernel(_ kernel: String) -> Bool {
        let kernel = kernel.uppercased()
        return kernel.contains("BONE") || kernel.contains(#/(^|\s)(BR?[6-9][0-9]|FC[3-9][0-9])([SF]?)(\s|$)/#)
    }
}
