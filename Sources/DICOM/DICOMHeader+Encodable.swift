/// Encodes as one flat object keyed by DICOM keywords (`PatientName`, `Modality`, …), as QIDO-RS
/// names attributes; our own fields are camelCase (`plane`, `hasPreamble`, `charsetSuspects`).
/// Absent attributes are left out; person names are one string with `=`-joined component groups;
/// numbers are numbers; multi-valued attributes are arrays.
extension DICOMHeader: Encodable {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KeywordKey.self)
        for (keyword, value) in keywordValues {
            try container.encode(value, forKey: KeywordKey(keyword))
        }
    }

    /// The attributes present, in a fixed order (meta, patient, study, series, instance), each under
    /// its DICOM keyword or our own camelCase name. Both the JSON and the text form print this list.
    public var keywordValues: [(keyword: String, value: HeaderValue)] {
        var list: [(keyword: String, value: HeaderValue)] = []
        func put(_ keyword: String, _ value: HeaderValue?) {
            if let value { list.append((keyword, value)) }
        }
        put("TransferSyntaxUID", fileMeta.transferSyntaxUID.map(HeaderValue.text))
        put("MediaStorageSOPClassUID", fileMeta.mediaStorageSOPClassUID.map(HeaderValue.text))
        put("hasPreamble", .flag(fileMeta.hasPreamble))
        put("hasMetaGroup", .flag(fileMeta.hasMetaGroup))
        put("SpecificCharacterSet", specificCharacterSet.map(HeaderValue.texts))

        put("PatientName", patient.patientName.map { .text($0.dicomString) })
        put("PatientID", patient.patientID.map(HeaderValue.text))
        put("IssuerOfPatientID", patient.issuerOfPatientID.map(HeaderValue.text))
        put("PatientBirthDate", patient.patientBirthDate.map(HeaderValue.text))
        put("PatientSex", patient.patientSex.map(HeaderValue.text))

        put("StudyInstanceUID", study.studyInstanceUID.map(HeaderValue.text))
        put("StudyDate", study.studyDate.map(HeaderValue.text))
        put("StudyTime", study.studyTime.map(HeaderValue.text))
        put("AccessionNumber", study.accessionNumber.map(HeaderValue.text))
        put("StudyDescription", study.studyDescription.map(HeaderValue.text))
        put("StudyID", study.studyID.map(HeaderValue.text))
        put("ReferringPhysicianName", study.referringPhysicianName.map { .text($0.dicomString) })
        put("InstitutionName", study.institutionName.map(HeaderValue.text))

        put("SeriesInstanceUID", series.seriesInstanceUID.map(HeaderValue.text))
        put("SeriesNumber", series.seriesNumber.map(HeaderValue.integer))
        put("Modality", series.modality.map(HeaderValue.text))
        put("SeriesDescription", series.seriesDescription.map(HeaderValue.text))
        put("ProtocolName", series.protocolName.map(HeaderValue.text))
        put("BodyPartExamined", series.bodyPartExamined.map(HeaderValue.text))
        put("Laterality", series.laterality.map(HeaderValue.text))
        put("Manufacturer", series.manufacturer.map(HeaderValue.text))
        put("ManufacturerModelName", series.manufacturerModelName.map(HeaderValue.text))
        put("MagneticFieldStrength", series.magneticFieldStrength.map(HeaderValue.number))
        put("SliceThickness", series.sliceThickness.map(HeaderValue.number))
        put("SpacingBetweenSlices", series.spacingBetweenSlices.map(HeaderValue.number))
        put("ConvolutionKernel", series.convolutionKernel.map(HeaderValue.texts))
        put("ScanningSequence", series.scanningSequence.map(HeaderValue.texts))
        put("RepetitionTime", series.repetitionTime.map(HeaderValue.number))
        put("EchoTime", series.echoTime.map(HeaderValue.number))
        put("ImageOrientationPatient", series.imageOrientationPatient.map(HeaderValue.numbers))
        put("plane", series.plane.map { .text($0.rawValue) })

        put("SOPClassUID", instance.sopClassUID.map(HeaderValue.text))
        put("SOPInstanceUID", instance.sopInstanceUID.map(HeaderValue.text))
        put("InstanceNumber", instance.instanceNumber.map(HeaderValue.integer))
        put("ImagePositionPatient", instance.imagePositionPatient.map(HeaderValue.numbers))
        put("ImageType", instance.imageType.map(HeaderValue.texts))
        put("Rows", instance.rows.map(HeaderValue.integer))
        put("Columns", instance.columns.map(HeaderValue.integer))
        put("NumberOfFrames", instance.numberOfFrames.map(HeaderValue.integer))
        put("AcquisitionDate", instance.acquisitionDate.map(HeaderValue.text))
        put("AcquisitionTime", instance.acquisitionTime.map(HeaderValue.text))
        put("ImageComments", instance.imageComments.map(HeaderValue.text))
        put("charsetSuspects", charsetSuspects.isEmpty ? nil : .suspects(charsetSuspects))
        put("readIssues", readIssues.isEmpty ? nil : .issues(readIssues))
        put("headerDigest", .text(headerDigest))
        return list
    }
}

/// One value of `DICOMHeader.keywordValues`, encoded as JSON strings, numbers, booleans or arrays.
public enum HeaderValue: Sendable, Hashable, Encodable, CustomStringConvertible {
    case text(String)
    case texts([String])
    case integer(Int)
    case number(Double)
    case numbers([Double])
    case flag(Bool)
    case suspects([CharsetSuspect])
    case issues([ReadIssue])

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let value): try container.encode(value)
        case .texts(let values): try container.encode(values)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .numbers(let values): try container.encode(values)
        case .flag(let value): try container.encode(value)
        case .suspects(let values): try container.encode(values)
        case .issues(let values): try container.encode(values)
        }
    }

    /// The value as DICOM text writes it: multiple values joined by backslashes.
    public var description: String {
        switch self {
        case .text(let value): return value
        case .texts(let values): return values.joined(separator: "\\")
        case .integer(let value): return String(value)
        case .number(let value): return Self.decimal(value)
        case .numbers(let values): return values.map(Self.decimal).joined(separator: "\\")
        case .flag(let value): return value ? "yes" : "no"
        case .suspects(let values):
            return values.map { "\($0.keyword) (\($0.reason.rawValue))" }.joined(separator: ", ")
        case .issues(let values):
            return values.map { "\($0.kind.rawValue): \($0.detail)" }.joined(separator: "; ")
        }
    }

    private static func decimal(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// A coding key made from any string: DICOM keywords and our own field names.
struct KeywordKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension InspectionEntry: Encodable {
    /// `path` plus the header's keys, or `path`, `error` (a sentence) and `errorCode`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: KeywordKey.self)
        try container.encode(path, forKey: KeywordKey("path"))
        switch outcome {
        case .success(let header):
            try header.encode(to: encoder)
        case .failure(let error):
            try container.encode(error.summary, forKey: KeywordKey("error"))
            try container.encode(error.code, forKey: KeywordKey("errorCode"))
        }
    }
}
