import DICOM
import Foundation
import StudyCatalog

/// The identity rules: patients on one disc, one PatientID under two names.
extension SubmissionAssembly {
    /// `patient-not-on-form`, `multiple-patients`, `identity-conflict` and `empty-submission`.
    func identityFindings() -> [Finding] {
        var result: [Finding] = []
        if let form, !instances.isEmpty, form.patientName != nil || form.patientBirthDate != nil {
            let typedName = form.patientName.map(NameKey.make)
            let matches = patients.contains { patient in
                (typedName == nil || typedName == patient.nameKey)
                    && (form.patientBirthDate == nil || form.patientBirthDate == patient.patientBirthDate)
            }
            if !matches {
                let fields = [form.patientName.map { _ in "name" }, form.patientBirthDate.map { _ in "birth date" }]
                    .compactMap { $0 }.joined(separator: " and ")
                result.append(
                    Finding(
                        severity: .error, code: "patient-not-on-form",
                        message:
                            "the patient \(fields) typed in \(SubmissionForm.fileName) match no patient in the headers",
                        path: SubmissionForm.fileName))
            }
        }
        if instances.isEmpty {
            result.append(
                Finding(severity: .error, code: "empty-submission", message: "no readable DICOM instance was found"))
        }
        if patients.count > 1 {
            let expected = form?.multiplePatients == true
            result.append(
                Finding(
                    severity: expected ? .info : .warning, code: "multiple-patients",
                    message: "\(patients.count) patients on one submission"
                        + (expected ? ", as \(SubmissionForm.fileName) says" : "")))
        }
        let byID = Dictionary(grouping: patients.filter { $0.patientID != nil }) {
            ($0.patientID ?? "") + "\u{0}" + ($0.issuerOfPatientID ?? "")
        }
        for (_, group) in byID.sorted(by: { $0.key < $1.key }) where group.count > 1 {
            result.append(
                Finding(
                    severity: .warning, code: "identity-conflict",
                    message:
                        "PatientID \(group[0].patientID!) is used with \(group.count) different names or birth dates"))
        }
        return result
    }

    func receipt(
        record: SubmissionRecord, catalogFindings: [Finding], review: ReviewPlacement?, storedAt: String
    ) -> Receipt {
        let all = (record.findings + catalogFindings).sorted { ($0.severity, $0.code) < ($1.severity, $1.code) }
        let dicomCount = files.filter { $0.role == .dicom || $0.role == .dicomdir }
            .count
        let codes = Set(all.filter { $0.severity != .info }.map(\.code)).sorted()
        var instancesPerSeries: [String: Int] = [:]
        for instance in record.instances { instancesPerSeries[instance.seriesInstanceUID, default: 0] += 1 }
        let studies = record.studies.map { study -> Receipt.Study in
            let series = record.series.filter { $0.studyInstanceUID == study.studyInstanceUID }
            return Receipt.Study(
                StudyInstanceUID: study.studyInstanceUID, StudyDate: study.studyDate,
                StudyDescription: study.studyDescription,
                ModalitiesInStudy: Array(Set(series.compactMap(\.modality))).sorted(),
                BodyPartExamined: Array(Set(series.compactMap(\.bodyPartExamined))).sorted(),
                NumberOfStudyRelatedSeries: series.count,
                NumberOfStudyRelatedInstances: series.reduce(0) { $0 + (instancesPerSeries[$1.seriesInstanceUID] ?? 0) })
        }
        let typed = form.flatMap { form in
            form.patientName == nil && form.patientBirthDate == nil
                ? nil
                : Receipt.Patient(PatientName: form.patientName, PatientID: nil, PatientBirthDate: form.patientBirthDate)
        }
        return Receipt(
            submissionId: id, status: record.status.rawValue,
            reasons: OutcomeRule.reasons(status: record.status, findingCodes: codes),
            review: review.map {
                switch $0 {
                case .queued: "queued"
                case .joined: "joined"
                case .followUp: "follow-up"
                }
            },
            reviewOf: review.flatMap {
                switch $0 {
                case .queued: nil
                case .joined(let id), .followUp(let id): id
                }
            }, source: record.source,
            storedAt: storedAt, receivedAt: UTCTime.iso8601(record.receivedAt),
            patients: patients.map {
                Receipt.Patient(PatientName: $0.patientName, PatientID: $0.patientID, PatientBirthDate: $0.patientBirthDate)
            }, formPatient: typed, studies: studies,
            counts: Receipt.Counts(
                files: files.count, dicom: dicomCount, nonDicom: files.count - dicomCount, patients: patients.count,
                studies: studyOrder.count, series: seriesOrder.count, instances: instances.count,
                duplicates: catalogFindings.filter { $0.code == "duplicate-identical" }.count),
            spinalLevels: record.levelsOfConcern, attachments: attachments.sorted(),
            findings: all.map {
                Receipt.Finding(
                    severity: $0.severity.rawValue, code: $0.code, message: $0.message, path: $0.path, uid: $0.uid)
            })
    }
}
