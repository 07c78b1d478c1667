/// A study as `intake query studies` lists it (QIDO-RS study attributes plus ours).
public struct StudySummary: Sendable, Hashable {
    public var studyInstanceUID: String
    public var patientID: String?
    public var patientName: String?
    public var patientBirthDate: String?
    public var patientSex: String?
    public var studyDate: String?
    public var studyTime: String?
    public var accessionNumber: String?
    public var studyDescription: String?
    public var modalitiesInStudy: [String]
    public var numberOfStudyRelatedSeries: Int
    public var numberOfStudyRelatedInstances: Int
    public var spinalLevels: [String]
    public var submissionIds: [String]

    public init(
        studyInstanceUID: String, patientID: String?, patientName: String?, patientBirthDate: String?,
        patientSex: String?, studyDate: String?, studyTime: String?, accessionNumber: String?,
        studyDescription: String?, modalitiesInStudy: [String], numberOfStudyRelatedSeries: Int,
        numberOfStudyRelatedInstances: Int, spinalLevels: [String], submissionIds: [String]
    ) {
        self.studyInstanceUID = studyInstanceUID
        self.patientID = patientID
        self.patientName = patientName
        self.patientBirthDate = patientBirthDate
        self.patientSex = patientSex
        self.studyDate = studyDate
        self.studyTime = studyTime
        self.accessionNumber = accessionNumber
        self.studyDescription = studyDescription
        self.modalitiesInStudy = modalitiesInStudy
        self.numberOfStudyRelatedSeries = numberOfStudyRelatedSeries
        self.numberOfStudyRelatedInstances = numberOfStudyRelatedInstances
        self.spinalLevels = spinalLevels
        self.submissionIds = submissionIds
    }
}

/// A series as `intake query series` lists it.
public struct SeriesSummary: Sendable, Hashable {
    public var seriesInstanceUID: String
    public var studyInstanceUID: String
    public var modality: String?
    public var seriesNumber: Int?
    public var seriesDescription: String?
    public var bodyPartExamined: String?
    public var numberOfSeriesRelatedInstances: Int
    public var plane: SeriesPlane?
    public var spinalLevels: [String]

    public init(
        seriesInstanceUID: String, studyInstanceUID: String, modality: String?, seriesNumber: Int?,
        seriesDescription: String?, bodyPartExamined: String?, numberOfSeriesRelatedInstances: Int,
        plane: SeriesPlane?, spinalLevels: [String]
    ) {
        self.seriesInstanceUID = seriesInstanceUID
        self.studyInstanceUID = studyInstanceUID
        self.modality = modality
        self.seriesNumber = seriesNumber
        self.seriesDescription = seriesDescription
        self.bodyPartExamined = bodyPartExamined
        self.numberOfSeriesRelatedInstances = numberOfSeriesRelatedInstances
        self.plane = plane
        self.spinalLevels = spinalLevels
    }
}

/// An instance as `intake query instances` lists it.
public struct InstanceSummary: Sendable, Hashable {
    public var sopInstanceUID: String
    public var seriesInstanceUID: String
    public var sopClassUID: String?
    public var instanceNumber: Int?
    public var transferSyntaxUID: String?
    /// The submission that first brought these bytes, and the file's path within it.
    public var submissionId: String
    public var path: String?
    /// Why its header is incomplete, for a damaged file.
    public var damage: String?

    public init(
        sopInstanceUID: String, seriesInstanceUID: String, sopClassUID: String?, instanceNumber: Int?,
        transferSyntaxUID: String?, submissionId: String, path: String?, damage: String?
    ) {
        self.sopInstanceUID = sopInstanceUID
        self.seriesInstanceUID = seriesInstanceUID
        self.sopClassUID = sopClassUID
        self.instanceNumber = instanceNumber
        self.transferSyntaxUID = transferSyntaxUID
        self.submissionId = submissionId
        self.path = path
        self.damage = damage
    }
}

/// What the catalog holds, for `intake stats`.
public struct CatalogStatistics: Sendable, Hashable {
    /// Named counts in a fixed order: submissions by status, patients, studies, series, instances,
    /// files by role, findings by severity, reviews by status.
    public var counts: [(name: String, value: Int)]

    public init(counts: [(name: String, value: Int)]) {
        self.counts = counts
    }

    public static func == (lhs: CatalogStatistics, rhs: CatalogStatistics) -> Bool {
        lhs.counts.map(\.name) == rhs.counts.map(\.name) && lhs.counts.map(\.value) == rhs.counts.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for (name, value) in counts {
            hasher.combine(name)
            hasher.combine(value)
        }
    }
}

/// A submission whose files the catalog expects on disk, for `intake check`.
public struct CatalogedSubmission: Sendable {
    public var id: String
    public var status: SubmissionRecord.Status
    /// The drop the files were cataloged in, when `filesInPlace`.
    public var source: String
    public var filesInPlace: Bool
    /// The files that should be there: every file of the submission but those linked to an earlier
    /// identical copy instead of being kept.
    public var files: [CatalogedFile]

    public init(
        id: String, status: SubmissionRecord.Status, source: String, filesInPlace: Bool, files: [CatalogedFile]
    ) {
        self.id = id
        self.status = status
        self.source = source
        self.filesInPlace = filesInPlace
        self.files = files
    }
}

/// One file the catalog expects, with what it knows of its bytes.
public struct CatalogedFile: Sendable {
    public var path: String
    public var size: Int64
    /// SHA-256 of all its bytes, when they were all read at intake.
    public var contentHash: String?
    /// The header digest of the instance it holds, when it is one.
    public var headerDigest: String?

    public init(path: String, size: Int64, contentHash: String?, headerDigest: String?) {
        self.path = path
        self.size = size
        self.contentHash = contentHash
        self.headerDigest = headerDigest
    }
}
