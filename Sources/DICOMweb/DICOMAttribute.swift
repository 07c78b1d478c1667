/// The attributes the server matches on and answers with in QIDO-RS, by keyword and tag.
enum DICOMAttribute: UInt32, CaseIterable, Sendable {
    case specificCharacterSet = 0x0008_0005
    case sopClassUID = 0x0008_0016
    case sopInstanceUID = 0x0008_0018
    case studyDate = 0x0008_0020
    case studyTime = 0x0008_0030
    case accessionNumber = 0x0008_0050
    case instanceAvailability = 0x0008_0056
    case modality = 0x0008_0060
    case modalitiesInStudy = 0x0008_0061
    case referringPhysicianName = 0x0008_0090
    case timezoneOffsetFromUTC = 0x0008_0201
    case retrieveURL = 0x0008_1190
    case studyDescription = 0x0008_1030
    case seriesDescription = 0x0008_103E
    case availableTransferSyntaxUID = 0x0008_3002
    case patientName = 0x0010_0010
    case patientID = 0x0010_0020
    case patientBirthDate = 0x0010_0030
    case patientSex = 0x0010_0040
    case bodyPartExamined = 0x0018_0015
    case studyInstanceUID = 0x0020_000D
    case seriesInstanceUID = 0x0020_000E
    case studyID = 0x0020_0010
    case seriesNumber = 0x0020_0011
    case instanceNumber = 0x0020_0013
    case numberOfStudyRelatedSeries = 0x0020_1206
    case numberOfStudyRelatedInstances = 0x0020_1208
    case numberOfSeriesRelatedInstances = 0x0020_1209

    var keyword: String {
        switch self {
        case .specificCharacterSet: "SpecificCharacterSet"
        case .sopClassUID: "SOPClassUID"
        case .sopInstanceUID: "SOPInstanceUID"
        case .studyDate: "StudyDate"
        case .studyTime: "StudyTime"
        case .accessionNumber: "AccessionNumber"
        case .instanceAvailability: "InstanceAvailability"
        case .modality: "Modality"
        case .modalitiesInStudy: "ModalitiesInStudy"
        case .referringPhysicianName: "ReferringPhysicianName"
        case .timezoneOffsetFromUTC: "TimezoneOffsetFromUTC"
        case .retrieveURL: "RetrieveURL"
        case .studyDescription: "StudyDescription"
        case .seriesDescription: "SeriesDescription"
        case .availableTransferSyntaxUID: "AvailableTransferSyntaxUID"
        case .patientName: "PatientName"
        case .patientID: "PatientID"
        case .patientBirthDate: "PatientBirthDate"
        case .patientSex: "PatientSex"
        case .bodyPartExamined: "BodyPartExamined"
        case .studyInstanceUID: "StudyInstanceUID"
        case .seriesInstanceUID: "SeriesInstanceUID"
        case .studyID: "StudyID"
        case .seriesNumber: "SeriesNumber"
        case .instanceNumber: "InstanceNumber"
        case .numberOfStudyRelatedSeries: "NumberOfStudyRelatedSeries"
        case .numberOfStudyRelatedInstances: "NumberOfStudyRelatedInstances"
        case .numberOfSeriesRelatedInstances: "NumberOfSeriesRelatedInstances"
        }
    }

    var vr: String {
        switch self {
        case .specificCharacterSet, .modality, .modalitiesInStudy, .patientSex, .bodyPartExamined,
            .instanceAvailability:
            "CS"
        case .sopClassUID, .sopInstanceUID, .studyInstanceUID, .seriesInstanceUID, .availableTransferSyntaxUID: "UI"
        case .studyDate, .patientBirthDate: "DA"
        case .studyTime: "TM"
        case .accessionNumber, .studyID, .timezoneOffsetFromUTC: "SH"
        case .referringPhysicianName, .patientName: "PN"
        case .retrieveURL: "UR"
        case .studyDescription, .seriesDescription, .patientID: "LO"
        case .seriesNumber, .instanceNumber, .numberOfStudyRelatedSeries, .numberOfStudyRelatedInstances,
            .numberOfSeriesRelatedInstances:
            "IS"
        }
    }

    /// Eight uppercase hex digits, as DICOM JSON keys are written.
    var hex: String { Self.hex(rawValue) }

    static func hex(_ tag: UInt32) -> String {
        let digits = String(tag, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The tag a QIDO-RS attribute ID names: a keyword (`PatientName`) or eight hex digits
    /// (`00100010`, any case). Nil when it is neither.
    static func tag(of identifier: String) -> UInt32? {
        if identifier.count == 8, let tag = UInt32(identifier, radix: 16) { return tag }
        return byKeyword[identifier]?.rawValue
    }

    private static let byKeyword = Dictionary(uniqueKeysWithValues: allCases.map { ($0.keyword, $0) })
}
