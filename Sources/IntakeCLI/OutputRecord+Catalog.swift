import StudyCatalog

extension OutputRecord {
    /// A study under the contract's keys (QIDO-RS keywords plus ours).
    /// With `redacted`, the name is given as initials and the birth date left out.
    init(study: StudySummary, redacted: Bool = false) {
        self.init(fields: [
            ("StudyInstanceUID", .text(study.studyInstanceUID)),
            ("PatientID", study.patientID.map(Value.text)),
            ("PatientName", study.patientName.map { .text(redacted ? NameKey.initials($0) : $0) }),
            ("PatientBirthDate", redacted ? nil : study.patientBirthDate.map(Value.text)),
            ("PatientSex", study.patientSex.map(Value.text)),
            ("StudyDate", study.studyDate.map(Value.text)),
            ("StudyTime", study.studyTime.map(Value.text)),
            ("AccessionNumber", study.accessionNumber.map(Value.text)),
            ("StudyDescription", study.studyDescription.map(Value.text)),
            ("ModalitiesInStudy", .texts(study.modalitiesInStudy)),
            ("NumberOfStudyRelatedSeries", .integer(study.numberOfStudyRelatedSeries)),
            ("NumberOfStudyRelatedInstances", .integer(study.numberOfStudyRelatedInstances)),
            ("spinalLevels", .texts(study.spinalLevels)),
            ("submissionIds", .texts(study.submissionIds)),
        ])
    }

    /// A series under the contract's keys.
    init(series: SeriesSummary) {
        self.init(fields: [
            ("SeriesInstanceUID", .text(series.seriesInstanceUID)),
            ("StudyInstanceUID", .text(series.studyInstanceUID)),
            ("Modality", series.modality.map(Value.text)),
            ("SeriesNumber", series.seriesNumber.map(Value.integer)),
            ("SeriesDescription", series.seriesDescription.map(Value.text)),
            ("BodyPartExamined", series.bodyPartExamined.map(Value.text)),
            ("NumberOfSeriesRelatedInstances", .integer(series.numberOfSeriesRelatedInstances)),
            ("plane", series.plane.map { .text($0.rawValue) }),
            ("spinalLevels", .texts(series.spinalLevels)),
        ])
    }

    /// A finding: severity, code, message, and the file or UID it is about.
    init(finding: SubmissionRecord.Finding) {
        self.init(fields: [
            ("severity", .text(finding.severity.rawValue)), ("code", .text(finding.code)),
            ("message", .text(finding.message)), ("path", finding.path.map(Value.text)),
            ("uid", finding.uid.map(Value.text)),
        ])
    }
}
