import DICOM
import Foundation
import StudyCatalog

/// Builds one submission's catalog record and findings from its files and their headers.
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
    /// `NameKey.make` of each distinct PatientName seen: folding a name is costly, and a disc
    /// repeats one name in every file.
    private var nameKeys: [String: String] = [:]
    private var attachments: [String] = []
    private var dicomPaths: Set<String> = []
    /// Per series, what the completeness rules look at: number, position, orientation, frames.
    private var seriesSlices: [String: [Slice]] = [:]
    /// Per study, each distinct (keyword, value) its instances carry for patient and study attributes.
    private var studyValues: [String: [String: Set<String>]] = [:]
    /// Per series, IMAGE records in the DICOMDIR (by their SeriesInstanceUID parent record).
    private var listedPerSeries: [String: Int] = [:]

    struct Slice {
        var instanceNumber: Int?
        var position: [Double]?
        var orientation: [Double]?
        var frames: Int
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

    private mutating func addInstance(_ header: DICOMHeader, path: String) {
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
                orientation: header.series.imageOrientationPatient, frames: header.instance.numberOfFrames ?? 1))
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
                sopInstanceUID: sop, headerDigest: header.headerDigest, seriesInstanceUID: series,
                sopClassUID: header.instance.sopClassUID, instanceNumber: header.instance.instanceNumber,
                transferSyntaxUID: header.fileMeta.transferSyntaxUID, path: path,
                damage: header.readIssues.first(where: \.isDamage)?.kind.rawValue))
    }

    private mutating func nameKey(of dicomName: String) -> String {
        if let key = nameKeys[dicomName] { return key }
        let key = NameKey.make(dicomName)
        nameKeys[dicomName] = key
        return key
    }

    /// One patient by PatientID, issuer, birth date and name key (the same name written alike
    /// needs no folding).
    private mutating func sameIdentity(_ one: CatalogPatient, _ other: CatalogPatient) -> Bool {
        guard one.patientID == other.patientID, one.issuerOfPatientID == other.issuerOfPatientID,
            one.patientBirthDate == other.patientBirthDate
        else { return false }
        if one.patientName == other.patientName { return true }
        return nameKey(of: one.patientName ?? "") == nameKey(of: other.patientName ?? "")
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
        let bytes = value.utf8
        guard bytes.count <= 64, !bytes.isEmpty else { return false }
        // Components of digits, separated by single dots, none with a leading zero but "0" itself.
        var componentLength = 0
        var componentStartsWithZero = false
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "."):
                guard componentLength > 0, !(componentStartsWithZero && componentLength > 1) else { return false }
                componentLength = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if componentLength == 0 { componentStartsWithZero = byte == UInt8(ascii: "0") }
                componentLength += 1
            default:
                return false
            }
        }
        return componentLength > 0 && !(componentStartsWithZero && componentLength > 1)
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

    /// The duplicate findings of the submission on its own, as ingest would report them against an
    /// empty catalog (`DuplicateRule`).
    func duplicateFindings(of record: SubmissionRecord) -> [Finding] {
        SubmissionWritePlan(record, held: [], policy: DuplicateRule()).findings
    }

    /// An archive drop's own findings (path escapes, links, encrypted or duplicate entries, limits,
    /// damage). Returns the one that quarantines it, when it held more files than the limit.
    mutating func add(archiveIssues issues: [ArchiveDrop.Issue]) -> Finding? {
        var overLimit: Finding?
        for issue in issues {
            let severity: Finding.Severity =
                switch issue.severity {
                case .error: .error
                case .warning: .warning
                case .info: .info
                }
            let finding = Finding(severity: severity, code: issue.code, message: issue.message, path: issue.path)
            if issue.code == "limit-exceeded" && issue.path == nil {
                overLimit = finding
            } else {
                findings.append(finding)
            }
        }
        return overLimit
    }

    /// A finding about the drop as a whole.
    mutating func add(finding: Finding) {
        findings.append(finding)
    }

    /// The archive a drop came as, kept beside its entries.
    mutating func add(original file: Ingester.StoredFile) {
        files.append(
            SubmissionRecord.File(
                path: file.relativePath, size: file.size, contentHash: file.contentHash, role: .archive))
    }

    /// The finding of a drop with more files than `limits` allow.
    static func fileLimitFinding(_ limits: DICOMReader.Limits) -> Finding {
        Finding(
            severity: .error, code: "limit-exceeded",
            message: "more than \(limits.maxFilesPerSubmission) files; not read")
    }

    /// Checks every DICOMDIR of the drop, with the lower-level directory files it references
    /// (`read`: every directory file read in the pass, by path), against the drop's files: missing
    /// files, references leaving the disc, DICOM files its folder holds but it does not list; and
    /// reports links, special files and undecodable names.
    mutating func checkDirectories(of listing: DropListing, directories read: [String: DICOMDirectory]) {
        for entry in listing.entries {
            switch entry.kind {
            case .regularFile: continue
            case .symbolicLink:
                findings.append(
                    Finding(
                        severity: .warning, code: "symlink-skipped", message: "symbolic link, not followed",
                        path: entry.relativePath))
            case .other:
                findings.append(
                    Finding(
                        severity: .warning, code: "not-regular-file",
                        message: "a FIFO, socket or device, never opened", path: entry.relativePath))
            case .hardLink:
                findings.append(
                    Finding(
                        severity: .warning, code: "hard-link-skipped",
                        message: "a file with other hard links, perhaps outside the drop; never opened",
                        path: entry.relativePath))
            case .undecodableName:
                findings.append(
                    Finding(
                        severity: .warning, code: "undecodable-name",
                        message: "its name is not valid UTF-8 (shown with the bad bytes replaced); never opened",
                        path: entry.relativePath))
            }
        }
        var listed: Set<String> = []
        let manifests = listing.manifests { read[$0] }
        for manifest in manifests {
            listed.insert(manifest.path)
            listed.formUnion(manifest.lowerLevelFiles)
            for (path, problem) in manifest.structuralProblems {
                findings.append(Finding(severity: .warning, code: "dicomdir-structure", message: problem, path: path))
            }
            listedPerSeries.merge(manifest.listedPerSeries, uniquingKeysWith: +)
            for reference in manifest.references {
                switch reference.resolution {
                case .file(let path), .symbolicLink(let path), .hardLink(let path):
                    listed.insert(path)
                case .missing:
                    findings.append(
                        Finding(
                            severity: .error, code: "dicomdir-missing-file",
                            message: "the DICOMDIR lists \(reference.written), which is not on the disc",
                            path: reference.directoryFile, uid: reference.record.referencedSOPInstanceUIDInFile))
                case .escapesMedia(let reason):
                    findings.append(
                        Finding(
                            severity: .error, code: "path-escape",
                            message:
                                "the DICOMDIR reference \(reference.written) leaves the disc (\(reason)); not opened",
                            path: reference.directoryFile))
                }
            }
        }
        // Each DICOMDIR is the manifest of its own folder: a file is unlisted when a manifest
        // describes its folder and none lists it.
        for path in dicomPaths.subtracting(listed).sorted() where manifests.contains(where: { $0.describes(path) }) {
            findings.append(
                Finding(
                    severity: .warning, code: "dicomdir-unlisted-file", message: "a DICOM file the DICOMDIR does not list",
                    path: path))
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
        return record
    }

    /// `study-attribute-conflict`: instances of one study that disagree on who or when. Names the
    /// keywords only, never the values.
    private func consistencyFindings() -> [Finding] {
        studyOrder.compactMap { study in
            let disagreeing = (studyValues[study] ?? [:]).filter { $0.value.count > 1 }.keys.sorted()
            guard !disagreeing.isEmpty else { return nil }
            return Finding(
                severity: .warning, code: "study-attribute-conflict",
                message: "instances of one study disagree on \(disagreeing.joined(separator: ", "))", uid: study)
        }
    }

    /// `series-gap` (missing InstanceNumbers, or slices spaced irregularly along the slice normal)
    /// and `series-count-mismatch` (the DICOMDIR lists another number of images than arrived).
    private func completenessFindings() -> [Finding] {
        var result: [Finding] = []
        for series in seriesOrder {
            let slices = seriesSlices[series] ?? []
            let numbers = Set(slices.compactMap(\.instanceNumber)).sorted()
            if let first = numbers.first, let last = numbers.last, last - first + 1 > numbers.count,
                last - first < 100_000
            {
                let missing = Set(first...last).subtracting(numbers).sorted()
                let shown =
                    missing.prefix(5).map(String.init).joined(separator: ", ") + (missing.count > 5 ? ", …" : "")
                result.append(
                    Finding(
                        severity: .warning, code: "series-gap",
                        message: "InstanceNumber \(shown) missing (\(missing.count) of \(last - first + 1))",
                        uid: series))
            }
            if let spacing = Self.irregularSpacing(slices) {
                result.append(Finding(severity: .warning, code: "series-gap", message: spacing, uid: series))
            }
            if let listed = listedPerSeries[series], listed != slices.count {
                result.append(
                    Finding(
                        severity: .warning, code: "series-count-mismatch",
                        message: "the DICOMDIR lists \(listed) images, \(slices.count) files arrived", uid: series))
            }
        }
        return result
    }

    /// A description of the largest jump between neighbouring slices when it is over 1.5 times the
    /// usual spacing; nil for regular stacks, multi-frame images and series of fewer than 3 slices.
    static func irregularSpacing(_ slices: [Slice]) -> String? {
        guard slices.count >= 3, slices.allSatisfy({ $0.frames == 1 }),
            let orientation = slices.first?.orientation, orientation.count == 6
        else { return nil }
        let normal = [
            orientation[1] * orientation[5] - orientation[2] * orientation[4],
            orientation[2] * orientation[3] - orientation[0] * orientation[5],
            orientation[0] * orientation[4] - orientation[1] * orientation[3],
        ]
        let distances = slices.compactMap { slice in
            slice.position.map { position in zip(position, normal).map(*).reduce(0, +) }
        }.sorted()
        guard distances.count == slices.count else { return nil }
        let gaps = zip(distances.dropFirst(), distances).map { $0 - $1 }.filter { $0 > 0.01 }
        guard gaps.count >= 2 else { return nil }
        let usual = gaps.sorted()[gaps.count / 2]
        guard let widest = gaps.max(), widest > 1.5 * usual else { return nil }
        return String(format: "slices are %.1f mm apart where the series is spaced %.1f mm", widest, usual)
    }

    /// `review-readiness`: what a cervical-spine second opinion needs and the disc lacks, phrased so
    /// staff can forward it to the patient. Met by an MR with a sagittal and an axial T2-weighted
    /// series, or a CT with a bone kernel and a sagittal reformat.
    private func readinessFindings() -> [Finding] {
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
        let text = [header.series.seriesDescription, header.series.protocolName].compactMap { $0 }.joined(
            separator: " "
        )
        .uppercased()
        if text.contains("T2*") || text.contains("T2 *") { return false }
        if text.range(of: #"(^|[^A-Z0-9])T2(W|[^A-Z0-9*]|$)"#, options: .regularExpression) != nil { return true }
        if text.range(of: #"(^|[^A-Z0-9])T1(W|[^A-Z0-9]|$)"#, options: .regularExpression) != nil { return false }
        guard let tr = header.series.repetitionTime, let te = header.series.echoTime else { return false }
        return tr >= 2000 && te >= 60
    }

    /// A bone reconstruction kernel (BONE, BONEPLUS, Siemens B/Br 60 and sharper, Toshiba/Canon FC30
    /// and sharper), or BONE in the description.
    static func hasBoneKernel(_ header: DICOMHeader) -> Bool {
        let kernel = (header.series.convolutionKernel ?? []).joined(separator: " ").uppercased()
        let description = (header.series.seriesDescription ?? "").uppercased()
        if kernel.contains("BONE") || description.contains("BONE") { return true }
        let sharpKernel = #"(^|\s)(BR?[6-9][0-9]|FC[3-9][0-9])([SF]?)(\s|$)"#
        return kernel.range(of: sharpKernel, options: .regularExpression) != nil
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
        let dicomCount = files.filter { $0.role == .dicom || $0.role == .dicomdir }
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
