import Crypto

extension DICOMHeader {
    /// Copies the attributes out of a parsed file in one pass.
    init(file: DICOMFile) {
        let dataset = file.dataset
        let meta = file.meta
        let declaredCharset = dataset.stringBytes(.specificCharacterSet).map {
            String(decoding: $0, as: UTF8.self).split(separator: "\\", omittingEmptySubsequences: false)
                .map { $0.trimmingSpaces() }
        }
        var reader = AttributeReader(
            item: dataset, characterSet: SpecificCharacterSet(terms: declaredCharset ?? []))
        let functionalGroups = FunctionalGroups(dataset: dataset)

        fileMeta = FileMetaInformation(
            transferSyntaxUID: file.transferSyntaxUID ?? reader.uid(.transferSyntaxUID, in: meta),
            mediaStorageSOPClassUID: reader.uid(.mediaStorageSOPClassUID, in: meta),
            mediaStorageSOPInstanceUID: reader.uid(.mediaStorageSOPInstanceUID, in: meta),
            hasPreamble: file.hasPreamble,
            hasMetaGroup: file.hasMetaGroup)
        specificCharacterSet = declaredCharset
        patient = PatientAttributes(
            patientName: reader.personName(.patientName, keyword: "PatientName"),
            patientID: reader.text(.patientID, keyword: "PatientID"),
            issuerOfPatientID: reader.text(.issuerOfPatientID, keyword: "IssuerOfPatientID"),
            patientBirthDate: reader.code(.patientBirthDate),
            patientSex: reader.code(.patientSex))
        study = StudyAttributes(
            studyInstanceUID: reader.uid(.studyInstanceUID),
            studyDate: reader.code(.studyDate),
            studyTime: reader.code(.studyTime),
            accessionNumber: reader.text(.accessionNumber, keyword: "AccessionNumber"),
            studyDescription: reader.text(.studyDescription, keyword: "StudyDescription"),
            studyID: reader.text(.studyID, keyword: "StudyID"),
            referringPhysicianName: reader.personName(.referringPhysicianName, keyword: "ReferringPhysicianName"),
            institutionName: reader.text(.institutionName, keyword: "InstitutionName"))
        series = SeriesAttributes(
            seriesInstanceUID: reader.uid(.seriesInstanceUID),
            seriesNumber: dataset.integer(.seriesNumber),
            modality: reader.code(.modality),
            seriesDescription: reader.text(.seriesDescription, keyword: "SeriesDescription"),
            protocolName: reader.text(.protocolName, keyword: "ProtocolName"),
            bodyPartExamined: reader.code(.bodyPartExamined),
            laterality: reader.code(.laterality),
            manufacturer: reader.text(.manufacturer, keyword: "Manufacturer"),
            manufacturerModelName: reader.text(.manufacturerModelName, keyword: "ManufacturerModelName"),
            magneticFieldStrength: dataset.number(.magneticFieldStrength),
            sliceThickness: dataset.number(.sliceThickness)
                ?? functionalGroups.number(.sliceThickness, in: .pixelMeasuresSequence),
            spacingBetweenSlices: dataset.number(.spacingBetweenSlices),
            convolutionKernel: reader.texts(.convolutionKernel, keyword: "ConvolutionKernel"),
            scanningSequence: reader.codes(.scanningSequence),
            repetitionTime: dataset.number(.repetitionTime)
                ?? functionalGroups.number(.repetitionTime, in: .mrTimingAndRelatedParametersSequence),
            echoTime: dataset.number(.echoTime)
                ?? functionalGroups.number(.effectiveEchoTime, in: .mrEchoSequence),
            imageOrientationPatient: dataset.numbers(.imageOrientationPatient)
                ?? functionalGroups.numbers(.imageOrientationPatient, in: .planeOrientationSequence))
        instance = InstanceAttributes(
            sopClassUID: reader.uid(.sopClassUID),
            sopInstanceUID: reader.uid(.sopInstanceUID),
            instanceNumber: dataset.integer(.instanceNumber),
            imagePositionPatient: dataset.numbers(.imagePositionPatient)
                ?? functionalGroups.numbers(.imagePositionPatient, in: .planePositionSequence),
            imageType: reader.codes(.imageType),
            rows: dataset.integer(.rows),
            columns: dataset.integer(.columns),
            numberOfFrames: dataset.integer(.numberOfFrames),
            acquisitionDate: reader.code(.acquisitionDate),
            acquisitionTime: reader.code(.acquisitionTime),
            imageComments: reader.longText(.imageComments, keyword: "ImageComments"))
        readIssues = file.readIssues
        charsetSuspects = reader.suspects
        fileSize = file.size
        headerDigest = file.withParsedBytes { bytes in
            var hasher = SHA256()
            hasher.update(bufferPointer: bytes)
            withUnsafeBytes(of: UInt64(max(0, file.size)).littleEndian) { hasher.update(bufferPointer: $0) }
            return hasher.finalize().hexadecimal
        }
    }
}

extension SHA256.Digest {
    /// The digest as 64 lowercase hexadecimal digits.
    public var hexadecimal: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Reads text attributes of one dataset through its character set, collecting suspects.
private struct AttributeReader {
    let item: DatasetItem
    let characterSet: SpecificCharacterSet
    private(set) var suspects: [CharsetSuspect] = []

    init(item: DatasetItem, characterSet: SpecificCharacterSet) {
        self.item = item
        self.characterSet = characterSet
    }

    /// A value of the default repertoire (CS, UI, DA, TM, AS…): no character set applies.
    func code(_ tag: DICOMTag, in other: DatasetItem? = nil) -> String? {
        guard let bytes = (other ?? item).stringBytes(tag) else { return nil }
        return nonEmpty(String(decoding: bytes, as: UTF8.self).trimmingSpaces())
    }

    /// A UI value as the file holds it, without its trailing padding: never corrected, so an
    /// invalid UID stays what other systems show for the file (and is flagged, not merged).
    func uid(_ tag: DICOMTag, in other: DatasetItem? = nil) -> String? {
        guard let bytes = (other ?? item).stringBytes(tag) else { return nil }
        return nonEmpty(String(decoding: bytes, as: UTF8.self))
    }

    /// Every value of a multi-valued default-repertoire attribute (CS), e.g. ImageType.
    func codes(_ tag: DICOMTag) -> [String]? {
        guard let bytes = item.stringBytes(tag) else { return nil }
        let values = String(decoding: bytes, as: UTF8.self).split(separator: "\\", omittingEmptySubsequences: false)
            .map { $0.trimmingSpaces() }
        return values.allSatisfy(\.isEmpty) ? nil : values
    }

    /// A short text value (SH, LO) decoded by the character set.
    mutating func text(_ tag: DICOMTag, keyword: String) -> String? {
        decoded(tag, keyword: keyword, isPersonName: false).flatMap { nonEmpty($0.trimmingSpaces()) }
    }

    /// Every value of a multi-valued text attribute (SH, LO).
    mutating func texts(_ tag: DICOMTag, keyword: String) -> [String]? {
        guard let text = decoded(tag, keyword: keyword, isPersonName: false) else { return nil }
        let values = text.split(separator: "\\", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }
        return values.allSatisfy(\.isEmpty) ? nil : values
    }

    /// A long text value (ST, LT, UT): leading spaces are significant, trailing ones are padding.
    mutating func longText(_ tag: DICOMTag, keyword: String) -> String? {
        decoded(tag, keyword: keyword, isPersonName: false).flatMap { nonEmpty($0.trimmingTrailingSpaces()) }
    }

    mutating func personName(_ tag: DICOMTag, keyword: String) -> PersonName? {
        decoded(tag, keyword: keyword, isPersonName: true).flatMap(PersonName.init(dicomString:))
    }

    private mutating func decoded(_ tag: DICOMTag, keyword: String, isPersonName: Bool) -> String? {
        guard let bytes = item.stringBytes(tag) else { return nil }
        let result = characterSet.decode(bytes, isPersonName: isPersonName)
        if let suspicion = result.suspicion {
            suspects.append(
                CharsetSuspect(
                    keyword: keyword, reason: suspicion.reason, rawBytes: bytes, decodedAs: suspicion.decodedAs))
        }
        return result.text
    }

    private func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}

/// The functional group macros of an enhanced multi-frame image: shared first, else the first frame.
private struct FunctionalGroups {
    let groups: [DatasetItem]

    init(dataset: DatasetItem) {
        groups = [DICOMTag.sharedFunctionalGroupsSequence, .perFrameFunctionalGroupsSequence]
            .compactMap { dataset.sequenceItem($0, at: 0) }
    }

    func number(_ tag: DICOMTag, in macro: DICOMTag) -> Double? {
        groups.lazy.compactMap { $0.sequenceItem(macro, at: 0)?.number(tag) }.first
    }

    func numbers(_ tag: DICOMTag, in macro: DICOMTag) -> [Double]? {
        groups.lazy.compactMap { $0.sequenceItem(macro, at: 0)?.numbers(tag) }.first
    }
}
