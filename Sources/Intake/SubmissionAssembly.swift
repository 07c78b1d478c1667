import DICOM
import Foundation
import StudyCatalog

/// Builds one submission's catalog record and findings from its files and their headers: the
/// accumulator. Each family of rules is an extension in a file of its own (`+Values`, `+Archive`,
/// `+Directories`, `+Consistency`, `+Completeness`, `+Readiness`, `+Identity`).
struct SubmissionAssembly {
    typealias Finding = SubmissionRecord.Finding

    let id: String
    let note: String?
    let form: SubmissionForm?
    /// Which rule set applies beyond the always-on checks.
    var rules: RuleSet = .spineReview

    /// `--rules`: `spine-review` adds the review-readiness checks of a cervical-spine second opinion.
    enum RuleSet: String, Sendable {
        case spineReview = "spine-review"
        case none
    }
    var files: [SubmissionRecord.File] = []
    var findings: [Finding] = []
    var instances: [SubmissionRecord.Instance] = []
    /// First header seen of each series and study, in order of appearance, and the texts their
    /// levels come from.
    var seriesHeaders: [String: DICOMHeader] = [:]
    var seriesOrder: [String] = []
    var seriesTexts: [String: Set<String>] = [:]
    var studyHeaders: [String: DICOMHeader] = [:]
    var studyOrder: [String] = []
    var patients: [CatalogPatient] = []
    /// `NameKey.make` of each distinct PatientName seen: folding a name is costly, and a disc
    /// repeats one name in every file.
    var nameKeys: [String: String] = [:]
    var attachments: [String] = []
    var dicomPaths: Set<String> = []
    /// Per series, what the completeness rules look at: number, position, frames (the orientation
    /// is the series' first header's).
    var seriesSlices: [String: [Slice]] = [:]
    /// One copy of each UID many files repeat (a series', a SOP class, a transfer syntax): a drop of
    /// 10,000 files holds a few of each, not 10,000.
    var sharedUIDs: Set<String> = []
    /// Per study, each distinct (keyword, value) its instances carry for patient and study attributes.
    var studyValues: [String: [String: Set<String>]] = [:]
    /// Per series, IMAGE records in the DICOMDIR (by their SeriesInstanceUID parent record).
    var listedPerSeries: [String: Int] = [:]

    /// Held for every image until the drop is read: kept small, no array of its own.
    struct Slice {
        var instanceNumber: Int?
        var position: SIMD3<Double>?
        var frames: Int

        init(instanceNumber: Int?, position: [Double]?, frames: Int) {
            self.instanceNumber = instanceNumber
            self.position = position.flatMap { $0.count == 3 ? SIMD3($0[0], $0[1], $0[2]) : nil }
            self.frames = frames
        }
    }

    init(id: String, note: String?, form: SubmissionForm? = nil, findings: [Finding] = []) {
        self.id = id
        self.note = note
        self.form = form
        self.findings = findings
    }

    static let encapsulatedDocumentClasses: Set<String> = [
        "1.2.840.10008.5.1.4.1.1.104.1", "1.2.840.10008.5.1.4.1.1.104.2", "1.2.840.10008.5.1.4.1.1.104.3",
    ]

    mutating func add(file: Ingester.StoredFile, header result: Result<DICOMHeader, DICOMReadError>) {
        let path = file.relativePath
        let role: FileRole
        switch result {
        case .failure(let error):
            switch error.code {
            case .notDICOM:
                role = FileRole.ofNonDICOM(named: path)
                if role == .document { attachments.append(path) }
                findings.append(
                    Finding(
                        severity: .info, code: "not-dicom", message: "kept as \(role.rawValue), never opened",
                        path: path))
            case .limitExceeded:
                role = .other
                findings.append(
                    Finding(severity: .error, code: "limit-exceeded", message: error.detail, path: path))
            default:
                role = .other
                findings.append(Finding(severity: .error, code: "unreadable-dicom", message: error.summary, path: path))
            }
        case .success(let header):
            if header.fileMeta.mediaStorageSOPClassUID == DICOMReader.mediaStorageDirectoryClass {
                role = .dicomdir
            } else {
                role = .dicom
                dicomPaths.insert(path)
                addInstance(header, path: path)
            }
        }
        files.append(
            SubmissionRecord.File(path: path, size: file.size, contentHash: file.contentHash, role: role))
    }

    mutating func addInstance(_ header: DICOMHeader, path: String) {
        for issue in header.readIssues {
            findings.append(
                Finding(
                    severity: issue.isDamage ? .error : .warning, code: issue.kind.rawValue, message: issue.detail,
                    path: path, uid: header.instance.sopInstanceUID))
        }
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
        seriesSlices[series, default: []].append(
            Slice(
                instanceNumber: header.instance.instanceNumber, position: header.instance.imagePositionPatient,
                frames: header.instance.numberOfFrames ?? 1))
        let identity: [(String, String?)] = [
            ("PatientID", header.patient.patientID),
            ("PatientName", header.patient.patientName.map { nameKey(of: $0.dicomString) }),
            ("PatientBirthDate", header.patient.patientBirthDate), ("StudyDate", header.study.studyDate),
            ("AccessionNumber", header.study.accessionNumber),
        ]
        for (keyword, value) in identity {
            studyValues[study, default: [:]][keyword, default: []].insert(value ?? "")
        }
        let patient = CatalogPatient(
            patientID: header.patient.patientID, issuerOfPatientID: header.patient.issuerOfPatientID,
            patientName: header.patient.patientName?.dicomString, patientBirthDate: header.patient.patientBirthDate,
            patientSex: header.patient.patientSex)
        if !patients.contains(where: { sameIdentity($0, patient) }) { patients.append(patient) }
        instances.append(
            SubmissionRecord.Instance(
                sopInstanceUID: sop, headerDigest: header.headerDigest, seriesInstanceUID: shared(series),
                sopClassUID: header.instance.sopClassUID.map { shared($0) },
                instanceNumber: header.instance.instanceNumber,
                transferSyntaxUID: header.fileMeta.transferSyntaxUID.map { shared($0) }, path: path,
                damage: header.readIssues.first(where: \.isDamage)?.kind.rawValue))
    }

    /// Makes room for the rows of `count` more files at once: a 10,000-file drop's rows without the
    /// copies an array makes each time it grows.
    mutating func reserveCapacity(forFiles count: Int) {
        files.reserveCapacity(files.count + count)
        instances.reserveCapacity(instances.count + count)
    }

    /// The copy of `uid` already held, or `uid`, now held.
    mutating func shared(_ uid: String) -> String {
        sharedUIDs.insert(uid).memberAfterInsert
    }

    mutating func nameKey(of dicomName: String) -> String {
        if let key = nameKeys[dicomName] { return key }
        let key = NameKey.make(dicomName)
        nameKeys[dicomName] = key
        return key
    }

    /// One patient by PatientID, issuer, birth date and name key (the same name written alike
    /// needs no folding).
    mutating func sameIdentity(_ one: CatalogPatient, _ other: CatalogPatient) -> Bool {
        guard one.patientID == other.patientID, one.issuerOfPatientID == other.issuerOfPatientID,
            one.patientBirthDate == other.patientBirthDate
        else { return false }
        if one.patientName == other.patientName { return true }
        return nameKey(of: one.patientName ?? "") == nameKey(of: other.patientName ?? "")
    }

    /// The duplicate findings of the submission on its own, as ingest would report them against an
    /// empty catalog (`DuplicateRule`).
    func duplicateFindings(of record: SubmissionRecord) -> [Finding] {
        SubmissionWritePlan(record, held: [], policy: DuplicateRule()).findings
    }

    /// The catalog record. `quarantineReason`, when given, quarantines the submission whatever it
    /// holds (more files than are read); without one, a submission with no readable instance is
    /// quarantined. Otherwise its status is `OutcomeRule`'s on its own findings: the catalog decides
    /// again once it has judged the duplicates.
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
                bodyPartExamined: header.series.bodyPartExamined, plane: header.series.plane.flatMap { SeriesPlane(rawValue: $0.rawValue) },
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
            findings: findings + identityFindings() + consistencyFindings() + completenessFindings()
                + readinessFindings() + (quarantineReason.map { [$0] } ?? []))
        record.requester = form?.requester
        // Usable, unless a finding holds it; the catalog decides again with the duplicates.
        record.status = OutcomeRule().status(of: record, duplicateFindings: [])
        return record
    }

}
