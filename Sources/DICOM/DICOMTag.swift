internal import CDCMTK

/// A DICOM attribute tag, (gggg,eeee).
public struct DICOMTag: Hashable, Sendable, CustomStringConvertible {
    public let group: UInt16
    public let element: UInt16

    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    public var description: String {
        let hex = { (value: UInt16) in
            let digits = String(value, radix: 16, uppercase: true)
            return String(repeating: "0", count: 4 - digits.count) + digits
        }
        return "(\(hex(group)),\(hex(element)))"
    }

    var native: cdcmtk_tag { cdcmtk_tag(group: group, element: element) }
}

extension DICOMTag {
    // File Meta Information
    static let mediaStorageSOPClassUID = DICOMTag(0x0002, 0x0002)
    static let mediaStorageSOPInstanceUID = DICOMTag(0x0002, 0x0003)
    static let transferSyntaxUID = DICOMTag(0x0002, 0x0010)

    // Directory records (PS3.3 F.5)
    static let fileSetID = DICOMTag(0x0004, 0x1130)
    static let offsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity = DICOMTag(0x0004, 0x1200)
    static let directoryRecordSequence = DICOMTag(0x0004, 0x1220)
    static let offsetOfTheNextDirectoryRecord = DICOMTag(0x0004, 0x1400)
    static let recordInUseFlag = DICOMTag(0x0004, 0x1410)
    static let offsetOfReferencedLowerLevelDirectoryEntity = DICOMTag(0x0004, 0x1420)
    static let directoryRecordType = DICOMTag(0x0004, 0x1430)
    static let referencedFileID = DICOMTag(0x0004, 0x1500)
    static let referencedSOPClassUIDInFile = DICOMTag(0x0004, 0x1510)
    static let referencedSOPInstanceUIDInFile = DICOMTag(0x0004, 0x1511)
    static let referencedTransferSyntaxUIDInFile = DICOMTag(0x0004, 0x1512)

    // Patient, study, series, instance
    static let specificCharacterSet = DICOMTag(0x0008, 0x0005)
    static let imageType = DICOMTag(0x0008, 0x0008)
    static let sopClassUID = DICOMTag(0x0008, 0x0016)
    static let sopInstanceUID = DICOMTag(0x0008, 0x0018)
    static let studyDate = DICOMTag(0x0008, 0x0020)
    static let acquisitionDate = DICOMTag(0x0008, 0x0022)
    static let studyTime = DICOMTag(0x0008, 0x0030)
    static let acquisitionTime = DICOMTag(0x0008, 0x0032)
    static let accessionNumber = DICOMTag(0x0008, 0x0050)
    static let modality = DICOMTag(0x0008, 0x0060)
    static let manufacturer = DICOMTag(0x0008, 0x0070)
    static let institutionName = DICOMTag(0x0008, 0x0080)
    static let referringPhysicianName = DICOMTag(0x0008, 0x0090)
    static let studyDescription = DICOMTag(0x0008, 0x1030)
    static let seriesDescription = DICOMTag(0x0008, 0x103E)
    static let manufacturerModelName = DICOMTag(0x0008, 0x1090)
    static let patientName = DICOMTag(0x0010, 0x0010)
    static let patientID = DICOMTag(0x0010, 0x0020)
    static let issuerOfPatientID = DICOMTag(0x0010, 0x0021)
    static let patientBirthDate = DICOMTag(0x0010, 0x0030)
    static let patientSex = DICOMTag(0x0010, 0x0040)
    static let bodyPartExamined = DICOMTag(0x0018, 0x0015)
    static let scanningSequence = DICOMTag(0x0018, 0x0020)
    static let sliceThickness = DICOMTag(0x0018, 0x0050)
    static let repetitionTime = DICOMTag(0x0018, 0x0080)
    static let echoTime = DICOMTag(0x0018, 0x0081)
    static let magneticFieldStrength = DICOMTag(0x0018, 0x0087)
    static let spacingBetweenSlices = DICOMTag(0x0018, 0x0088)
    static let protocolName = DICOMTag(0x0018, 0x1030)
    static let convolutionKernel = DICOMTag(0x0018, 0x1210)
    static let effectiveEchoTime = DICOMTag(0x0018, 0x9082)
    static let mrTimingAndRelatedParametersSequence = DICOMTag(0x0018, 0x9112)
    static let mrEchoSequence = DICOMTag(0x0018, 0x9114)
    static let studyInstanceUID = DICOMTag(0x0020, 0x000D)
    static let seriesInstanceUID = DICOMTag(0x0020, 0x000E)
    static let studyID = DICOMTag(0x0020, 0x0010)
    static let seriesNumber = DICOMTag(0x0020, 0x0011)
    static let instanceNumber = DICOMTag(0x0020, 0x0013)
    static let imagePositionPatient = DICOMTag(0x0020, 0x0032)
    static let imageOrientationPatient = DICOMTag(0x0020, 0x0037)
    static let laterality = DICOMTag(0x0020, 0x0060)
    static let imageComments = DICOMTag(0x0020, 0x4000)
    static let planePositionSequence = DICOMTag(0x0020, 0x9113)
    static let planeOrientationSequence = DICOMTag(0x0020, 0x9116)
    static let numberOfFrames = DICOMTag(0x0028, 0x0008)
    static let rows = DICOMTag(0x0028, 0x0010)
    static let columns = DICOMTag(0x0028, 0x0011)
    static let pixelMeasuresSequence = DICOMTag(0x0028, 0x9110)
    static let sharedFunctionalGroupsSequence = DICOMTag(0x5200, 0x9229)
    static let perFrameFunctionalGroupsSequence = DICOMTag(0x5200, 0x9230)
}

extension DICOMTag {
    /// Every attribute above: the top-level elements a header read hands DCMTK to decode, with
    /// the meta group (a sequence whole, with what its items hold). An attribute read without
    /// being listed here would be missing from the headers; `ElementSelectionTests` compares
    /// every header with one read with every element decoded.
    static let headerAttributes: [DICOMTag] = [
        mediaStorageSOPClassUID, mediaStorageSOPInstanceUID, transferSyntaxUID,
        fileSetID, offsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity, directoryRecordSequence,
        offsetOfTheNextDirectoryRecord, recordInUseFlag, offsetOfReferencedLowerLevelDirectoryEntity,
        directoryRecordType, referencedFileID, referencedSOPClassUIDInFile, referencedSOPInstanceUIDInFile,
        referencedTransferSyntaxUIDInFile,
        specificCharacterSet, imageType, sopClassUID, sopInstanceUID, studyDate, acquisitionDate, studyTime,
        acquisitionTime, accessionNumber, modality, manufacturer, institutionName, referringPhysicianName,
        studyDescription, seriesDescription, manufacturerModelName, patientName, patientID, issuerOfPatientID,
        patientBirthDate, patientSex, bodyPartExamined, scanningSequence, sliceThickness, repetitionTime,
        echoTime, magneticFieldStrength, spacingBetweenSlices, protocolName, convolutionKernel,
        effectiveEchoTime, mrTimingAndRelatedParametersSequence, mrEchoSequence, studyInstanceUID,
        seriesInstanceUID, studyID, seriesNumber, instanceNumber, imagePositionPatient,
        imageOrientationPatient, laterality, imageComments, planePositionSequence, planeOrientationSequence,
        numberOfFrames, rows, columns, pixelMeasuresSequence, sharedFunctionalGroupsSequence,
        perFrameFunctionalGroupsSequence,
    ]

    /// `headerAttributes` in ascending order, as the shim takes them; allocated once, for the
    /// process's lifetime.
    nonisolated(unsafe) static let nativeHeaderAttributes: UnsafeBufferPointer<cdcmtk_tag> = {
        let sorted = headerAttributes.sorted { ($0.group, $0.element) < ($1.group, $1.element) }.map(\.native)
        let buffer = UnsafeMutableBufferPointer<cdcmtk_tag>.allocate(capacity: sorted.count)
        _ = buffer.initialize(from: sorted)
        return UnsafeBufferPointer(buffer)
    }()
}
