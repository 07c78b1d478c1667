import DICOM
import Foundation
import StudyCatalog

/// Builds one submission's catalog record and findings from its files and their headers.
struct SubmissionAssembly {
    typealias Finding = SubmissionRecord.Finding

    let id: String
    let note: String?
    let form: SubmissionForm?
    private(set) var files: [SubmissionRecord.File] = []
    private(set) var findings: [Finding] = []
    private var instances: [SubmissionRecord.Instance] = []
    /// First header seen of each series and study, in order of appearance, and the texts their
    /// levels come from.
    private var seriesHeaders: [String: DICOMHeader] = [:]
    private var seriesOrder: [String] = []
    private var seriesTexts: [String: Set<String>] = [:]
    private var studyHeaders: [String: DICOMHeader] = [:]
    private var studyOrder: [String] = []
    private var patients: [CatalogPatient] = []
    private var attachments: [String] = []
    private var dicomPaths: Set<String> = []

    init(id: String, note: String?, form: SubmissionForm? = nil, findings: [Finding] = []) {
        self.id = id
        self.note = note
        self.form = form
        self.findings = findings
    }

    static let encapsulatedDocumentClasses: Set<String> = [
        "1.2.840.10008.5.1.4.1.1.104.1", "1.2.840.10008.5.1.4.1.1.104.2", "1.2.840.10008.5.1.4.1.1.104.3",
    ]
    static let mediaStorageDirectoryClass = "1.2.840.10008.1.3.10"

    mutating func add(file: Ingester.StoredFile, header result: Result<DICOMHeader, DICOMReadError>) {
        let path = file.relativePath
        let role: FileRole
        switch result {
        case .failure(let error):
            switch error.code {
            case .notDICOM:
                role = FileRole.ofNonDICOM(named: path)
                if role == .document { attachments.append(path) }
            case .truncated:
                role = .other
                findings.append(Finding(severity: .error, code: "truncated", message: error.summary, path: path))
            default:
                role = .other
                findings.append(Finding(severity: .error, code: "unreadable-dicom", message: error.summary, path: path))
            }
        case .success(let header):
            if header.fileMeta.mediaStorageSOPClassUID == Self.mediaStorageDirectoryClass {
                role = .dicomdir
            } else {
                role = .dicom
                dicomPaths.insert(path)
                addInstance(header, path: path, contentHash: file.contentHash)
            }
        }
        files.append(
            SubmissionRecord.File(path: path, size: file.size, contentHash: file.contentHash, role: role.rawValue))
    }

    private mutating func addInstance(_ header: DICOMHeader, path: String, contentHash: String) {
        let required: [(String, String?)] = [
            ("StudyInstanceUID", header.study.studyInstanceUID), ("SeriesInstanceUID", header.series.seriesInstanceUID),
            ("SOPInstanceUID", header.instance.sopInstanceUID), ("SOPClassUID", header.instance.sopClassUID),
        ]
        let missing = required.filter { $0.1 == nil }.map(\.0)
        guard missing.isEmpty, let study = header.study.studyInstanceUID, let series = header.series.seriesInstanceUID,
            let sop = header.instance.sopInstanceUID
        else {
            findings.append(
                Finding(
                    severity: .error, code: "missing-attribute",
                    message: "no \(missing.joined(separator: ", ")); the file is kept but not cataloged", path: path))
            return
        }
        findings += Self.valueFindings(header, path: path, uid: sop)
        if !header.charsetSuspects.isEmpty {
            let values = header.charsetSuspects.map { "\($0.keyword) (\($0.reason.rawValue))" }
            findings.append(
                Finding(
                    severity: .warning, code: "charset-suspect",
                    message: "text did not decode cleanly: \(values.joined(separator: ", "))", path: path, uid: sop))
        }
        if let sopClass = header.instance.sopClassUID, Self.encapsulatedDocumentClasses.contains(sopClass) {
            attachments.append(path)
        }
        if studyHeaders[study] == nil {
            studyHeaders[study] = header
            studyOrder.append(study)
        }
        if seriesHeaders[series] == nil {
            seriesHeaders[series] = header
            seriesOrder.append(series)
        }
        let texts = [
            header.series.seriesDescription, header.series.protocolName, header.series.bodyPartExamined,
            header.instance.imageComments,
        ].compactMap { $0 }
        seriesTexts[series, default: []].formUnion(texts)
        let patient = CatalogPatient(
            patientID: header.patient.patientID, issuerOfPatientID: header.patient.issuerOfPatientID,
            patientName: header.patient.patientName?.dicomString, patientBirthDate: header.patient.patientBirthDate,
            patientSex: header.patient.patientSex)
        if !patients.contains(where: { $0.sameIdentity(as: patient) }) { patients.append(patient) }
        instances.append(
            SubmissionRecord.Instance(
                sopInstanceUID: sop, contentHash: contentHash, seriesInstanceUID: series,
                sopClassUID: header.instance.sopClassUID, instanceNumber: header.instance.instanceNumber,
                transferSyntaxUID: header.fileMeta.transferSyntaxUID, path: path))
    }

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
            if let value, !isValidUID(value) {
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

    /// PS3.5 9.1: at most 64 characters, dot-separated numbers without leading zeros.
    static func isValidUID(_ value: String) -> Bool {
        guard value.count <= 64, !value.isEmpty else { return false }
        return value.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { component in
            !component.isEmpty && component.allSatisfy { $0.isASCII && $0.isNumber }
                && (component == "0" || component.first != "0")
        }
    }

    /// PS3.5 6.2 DA: YYYYMMDD, a real calendar day.
    static func isValidDate(_ value: String) -> Bool {
        guard value.count == 8, value.allSatisfy({ $0.isASCII && $0.isNumber }),
            let year = Int(value.prefix(4)), let month = Int(value.dropFirst(4).prefix(2)),
            let day = Int(value.suffix(2))
        else { return false }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard (1...12).contains(month), let date = calendar.date(from: components) else { return false }
        return calendar.component(.day, from: date) == day && calendar.component(.month, from: date) == month
    }

    /// The same SOPInstanceUID twice in one submission: identical bytes (`duplicate-identical`,
    /// info) or other content (`duplicate-conflict`, error). Ingest learns the same from the catalog.
    func duplicateFindings() -> [Finding] {
        var result: [Finding] = []
        var firstBySOP: [String: SubmissionRecord.Instance] = [:]
        for instance in instances {
            guard let first = firstBySOP[instance.sopInstanceUID] else {
                firstBySOP[instance.sopInstanceUID] = instance
                continue
            }
            let identical = first.contentHash == instance.contentHash
            result.append(
                Finding(
                    severity: identical ? .info : .error,
                    code: identical ? "duplicate-identical" : "duplicate-conflict",
                    message: identical
                        ? "the same bytes as \(first.path)"
                        : "the same SOPInstanceUID as \(first.path) with other content",
                    path: instance.path, uid: instance.sopInstanceUID))
        }
        return result
    }

    /// Checks each DICOMDIR against the disc: missing files, references leaving the disc, links,
    /// and DICOM files it does not list.
    mutating func checkDirectories(of scan: MediaScan, reader: DICOMReader) {
        for entry in scan.entries where entry.kind == .symbolicLink {
            findings.append(
                Finding(
                    severity: .warning, code: "symlink-skipped", message: "symbolic link, not followed",
                    path: entry.relativePath))
        }
        var listed: Set<String> = []
        let directories = scan.dicomdirPaths
        for dicomdir in directories {
            guard let directory = try? reader.readDirectory(at: scan.path(of: dicomdir)) else { continue }
            for problem in directory.structuralProblems {
                findings.append(
                    Finding(severity: .warning, code: "dicomdir-structure", message: problem, path: dicomdir))
            }
            for record in directory.allRecords {
                guard let fileID = record.referencedFileID else { continue }
                let written = fileID.joined(separator: "\\")
                switch scan.resolve(referencedFileID: fileID, fromDICOMDIRAt: dicomdir) {
                case .file(let path):
                    listed.insert(path)
                case .symbolicLink(let path):
                    listed.insert(path)
                case .missing:
                    findings.append(
                        Finding(
                            severity: .error, code: "dicomdir-missing-file",
                            message: "the DICOMDIR lists \(written), which is not on the disc", path: dicomdir,
                            uid: record.referencedSOPInstanceUIDInFile))
                case .escapesMedia(let reason):
                    findings.append(
                        Finding(
                            severity: .error, code: "path-escape",
                            message: "the DICOMDIR reference \(written) leaves the disc (\(reason)); not opened",
                            path: dicomdir))
                }
            }
        }
        if !directories.isEmpty {
            for path in dicomPaths.subtracting(listed).sorted() {
                findings.append(
                    Finding(
                        severity: .warning, code: "dicomdir-unlisted-file",
                        message: "a DICOM file the DICOMDIR does not list",
                        path: path))
            }
        }
    }

    /// The catalog record. `quarantineReason`, when given, quarantines the submission whatever it
    /// holds (an incomplete copy); without one, a submission with no readable instance is quarantined.
    func record(
        receivedAt: Date, source: String, priority: SubmissionRecord.Priority, quarantineReason: Finding? = nil
    ) -> SubmissionRecord {
        let noteLevels = SpinalLevelMentions(text: note ?? "")
        var seriesLevels: [String: SpinalLevelMentions] = [:]
        for series in seriesOrder {
            seriesLevels[series] = SpinalLevelMentions(texts: Array(seriesTexts[series] ?? []).sorted())
        }
        let studies = studyOrder.map { uid -> SubmissionRecord.Study in
            let header = studyHeaders[uid]!
            let fromSeries = seriesOrder.filter { seriesHeaders[$0]?.study.studyInstanceUID == uid }
                .compactMap { seriesLevels[$0] }
            let levels = fromSeries.reduce(SpinalLevelMentions(text: header.study.studyDescription ?? "")) {
                $0.merging($1)
            }
            return SubmissionRecord.Study(
                studyInstanceUID: uid,
                patient: CatalogPatient(
                    patientID: header.patient.patientID, issuerOfPatientID: header.patient.issuerOfPatientID,
                    patientName: header.patient.patientName?.dicomString,
                    patientBirthDate: header.patient.patientBirthDate, patientSex: header.patient.patientSex),
                studyDate: header.study.studyDate, studyTime: header.study.studyTime,
                accessionNumber: header.study.accessionNumber, studyDescription: header.study.studyDescription,
                referringPhysicianName: header.study.referringPhysicianName?.dicomString,
                institutionName: header.study.institutionName, spinalLevels: levels.levels.map(\.description))
        }
        let series = seriesOrder.map { uid -> SubmissionRecord.Series in
            let header = seriesHeaders[uid]!
            return SubmissionRecord.Series(
                seriesInstanceUID: uid, studyInstanceUID: header.study.studyInstanceUID!,
                modality: header.series.modality, seriesNumber: header.series.seriesNumber,
                seriesDescription: header.series.seriesDescription, protocolName: header.series.protocolName,
                bodyPartExamined: header.series.bodyPartExamined, plane: header.series.plane?.rawValue,
                sliceThickness: header.series.sliceThickness,
                magneticFieldStrength: header.series.magneticFieldStrength,
                repetitionTime: header.series.repetitionTime, echoTime: header.series.echoTime,
                convolutionKernel: header.series.convolutionKernel?.joined(separator: "\\"),
                manufacturer: header.series.manufacturer, manufacturerModelName: header.series.manufacturerModelName,
                spinalLevels: seriesLevels[uid]?.levels.map(\.description) ?? [])
        }
        // A quarantined submission is cataloged with its files and findings only: its studies stay
        // out of queries, and its bytes are not what a later, fixed submission links to.
        let quarantined = instances.isEmpty || quarantineReason != nil
        var record = SubmissionRecord(
            id: id, receivedAt: receivedAt, source: source, status: quarantined ? .quarantined : .accepted,
            note: note, priority: priority, levelsOfConcern: noteLevels.levels.map(\.description),
            studies: quarantined ? [] : studies, series: quarantined ? [] : series,
            instances: quarantined ? [] : instances, files: files,
            findings: findings + identityFindings() + (quarantineReason.map { [$0] } ?? []))
        record.requester = form?.requester
        return record
    }

    /// `multiple-patients`, `identity-conflict` and `empty-submission`.
    private func identityFindings() -> [Finding] {
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
                        severity: .warning, code: "identity-conflict",
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
            result.append(
                Finding(
                    severity: .warning, code: "multiple-patients",
                    message: "\(patients.count) patients on one submission"))
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

    func receipt(record: SubmissionRecord, catalogFindings: [Finding], storedAt: String) -> Receipt {
        let all = (record.findings + catalogFindings).sorted { ($0.severity, $0.code) < ($1.severity, $1.code) }
        let dicomCount = files.filter { $0.role == FileRole.dicom.rawValue || $0.role == FileRole.dicomdir.rawValue }
            .count
        return Receipt(
            submissionId: id, status: record.status.rawValue, source: record.source, storedAt: storedAt,
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

extension CatalogPatient {
    /// The same person as the catalog keys them (never by PatientID alone).
    func sameIdentity(as other: CatalogPatient) -> Bool {
        patientID == other.patientID && issuerOfPatientID == other.issuerOfPatientID && nameKey == other.nameKey
            && patientBirthDate == other.patientBirthDate
    }
}
