import Foundation

/// Everything one submission adds to the catalog, as plain values, written in one transaction.
public struct SubmissionRecord: Sendable {
    /// What became of a submission: decided by the pipeline's `OutcomePolicy`, changed later only
    /// by a person (`SubmissionDecision`).
    public enum Status: String, Sendable, CaseIterable {
        /// Cataloged, its review queued.
        case accepted
        /// Cataloged, its files in the store, but no review queued until a person releases it (a
        /// patient not on the form, an image or archive cut short, files missing, a conflicting
        /// duplicate).
        case held
        /// Nothing usable: its files and findings only, kept in the quarantine.
        case quarantined
        /// A quarantined submission put through again as a new one, by versions before a retry
        /// updated its own entry; found in older catalogs only.
        case retried
    }
    public enum Priority: String, Sendable, CaseIterable { case routine, urgent }

    public var id: String
    public var receivedAt: Date
    /// Where it came from: the drop folder or the paths given to `ingest`.
    public var source: String
    public var status: Status
    public var note: String?
    /// Who asked for the second opinion, as staff typed it in `submission.json`.
    public var requester: String?
    public var priority: Priority
    /// Canonical spinal levels of the note (`C3-C4`), the submission's levels of concern.
    public var levelsOfConcern: [String]
    public var studies: [Study]
    public var series: [Series]
    public var instances: [Instance]
    /// Every file of the drop, DICOM or not.
    public var files: [File]
    public var findings: [Finding]
    /// The files were cataloged where they lie (`ingest --in-place`, under `source`), not kept in
    /// the store or quarantine.
    public var filesInPlace = false

    public init(
        id: String, receivedAt: Date, source: String, status: Status, note: String?, priority: Priority,
        levelsOfConcern: [String], studies: [Study], series: [Series], instances: [Instance], files: [File],
        findings: [Finding]
    ) {
        self.id = id
        self.receivedAt = receivedAt
        self.source = source
        self.status = status
        self.note = note
        self.requester = nil
        self.priority = priority
        self.levelsOfConcern = levelsOfConcern
        self.studies = studies
        self.series = series
        self.instances = instances
        self.files = files
        self.findings = findings
    }

    public struct Study: Sendable {
        public var studyInstanceUID: String
        public var patient: CatalogPatient
        public var studyDate: String?
        public var studyTime: String?
        public var accessionNumber: String?
        public var studyDescription: String?
        public var referringPhysicianName: String?
        public var institutionName: String?
        public var spinalLevels: [String]

        public init(
            studyInstanceUID: String, patient: CatalogPatient, studyDate: String?, studyTime: String?,
            accessionNumber: String?, studyDescription: String?, referringPhysicianName: String?,
            institutionName: String?, spinalLevels: [String]
        ) {
            self.studyInstanceUID = studyInstanceUID
            self.patient = patient
            self.studyDate = studyDate
            self.studyTime = studyTime
            self.accessionNumber = accessionNumber
            self.studyDescription = studyDescription
            self.referringPhysicianName = referringPhysicianName
            self.institutionName = institutionName
            self.spinalLevels = spinalLevels
        }
    }

    public struct Series: Sendable {
        public var seriesInstanceUID: String
        public var studyInstanceUID: String
        public var modality: String?
        public var seriesNumber: Int?
        public var seriesDescription: String?
        public var protocolName: String?
        public var bodyPartExamined: String?
        public var plane: SeriesPlane?
        public var sliceThickness: Double?
        public var magneticFieldStrength: Double?
        public var repetitionTime: Double?
        public var echoTime: Double?
        public var convolutionKernel: String?
        public var manufacturer: String?
        public var manufacturerModelName: String?
        public var spinalLevels: [String]

        public init(
            seriesInstanceUID: String, studyInstanceUID: String, modality: String?, seriesNumber: Int?,
            seriesDescription: String?, protocolName: String?, bodyPartExamined: String?, plane: SeriesPlane?,
            sliceThickness: Double?, magneticFieldStrength: Double?, repetitionTime: Double?, echoTime: Double?,
            convolutionKernel: String?, manufacturer: String?, manufacturerModelName: String?, spinalLevels: [String]
        ) {
            self.seriesInstanceUID = seriesInstanceUID
            self.studyInstanceUID = studyInstanceUID
            self.modality = modality
            self.seriesNumber = seriesNumber
            self.seriesDescription = seriesDescription
            self.protocolName = protocolName
            self.bodyPartExamined = bodyPartExamined
            self.plane = plane
            self.sliceThickness = sliceThickness
            self.magneticFieldStrength = magneticFieldStrength
            self.repetitionTime = repetitionTime
            self.echoTime = echoTime
            self.convolutionKernel = convolutionKernel
            self.manufacturer = manufacturer
            self.manufacturerModelName = manufacturerModelName
            self.spinalLevels = spinalLevels
        }
    }

    public struct Instance: Sendable {
        public var sopInstanceUID: String
        /// `DICOMHeader.headerDigest` of its file: what tells an identical copy from other content.
        public var headerDigest: String
        public var seriesInstanceUID: String
        public var sopClassUID: String?
        public var instanceNumber: Int?
        public var transferSyntaxUID: String?
        /// The file (path within the submission) that holds it.
        public var path: String
        /// Why the file is damaged (`truncated`, `parse-stopped`: its header breaks off after its
        /// identifying attributes; `pixel-data-truncated`: its pixel data is cut short). Nil for a
        /// whole file.
        public var damage: String?

        public init(
            sopInstanceUID: String, headerDigest: String, seriesInstanceUID: String, sopClassUID: String?,
            instanceNumber: Int?, transferSyntaxUID: String?, path: String, damage: String? = nil
        ) {
            self.sopInstanceUID = sopInstanceUID
            self.headerDigest = headerDigest
            self.seriesInstanceUID = seriesInstanceUID
            self.sopClassUID = sopClassUID
            self.instanceNumber = instanceNumber
            self.transferSyntaxUID = transferSyntaxUID
            self.path = path
            self.damage = damage
        }
    }

    public struct File: Sendable {
        /// Path within the submission, `/`-separated.
        public var path: String
        public var size: Int64
        /// Hex SHA-256 of all its bytes, when they were all read (copied into the store, or taken
        /// over from the inbox); nil when it was cataloged where it lies, headers only.
        public var contentHash: String?
        public var role: FileRole

        public init(path: String, size: Int64, contentHash: String?, role: FileRole) {
            self.path = path
            self.size = size
            self.contentHash = contentHash
            self.role = role
        }
    }

    public struct Finding: Sendable, Hashable {
        public enum Severity: String, Sendable, Comparable, CaseIterable {
            case error, warning, info
            public static func < (lhs: Severity, rhs: Severity) -> Bool {
                allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
            }
        }

        public var severity: Severity
        /// Stable, kebab-case: `duplicate-conflict`, `multiple-patients`, …
        public var code: String
        public var message: String
        public var path: String?
        public var uid: String?

        public init(severity: Severity, code: String, message: String, path: String? = nil, uid: String? = nil) {
            self.severity = severity
            self.code = code
            self.message = message
            self.path = path
            self.uid = uid
        }
    }
}
