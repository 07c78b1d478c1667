import Foundation

/// The catalog's tables as both backends hold them, column for column, in an order where every
/// row's references come before it: what `intake catalog copy` moves, table by table.
public enum CatalogTable: String, Sendable, CaseIterable {
    case submission, patient, study, studyLevel, submissionStudy, series, seriesLevel, instance, file, finding
    case review, reviewLink, event

    public enum ColumnType: Sendable {
        case text, integer, real, boolean, timestamp
    }

    public struct Column: Sendable {
        public var name: String
        public var type: ColumnType
    }

    public var columns: [Column] {
        let columns: [(String, ColumnType)] =
            switch self {
            case .submission:
                [
                    ("id", .text), ("receivedAt", .timestamp), ("source", .text), ("status", .text), ("note", .text),
                    ("priority", .text), ("levelsOfConcern", .text), ("requester", .text),
                    ("filesInPlace", .boolean), ("decision", .text), ("decidedBy", .text), ("decidedAt", .timestamp),
                    ("decisionNote", .text),
                ]
            case .patient:
                [
                    ("id", .integer), ("patientID", .text), ("issuerOfPatientID", .text), ("nameKey", .text),
                    ("patientBirthDate", .text), ("patientName", .text), ("patientSex", .text),
                ]
            case .study:
                [
                    ("studyInstanceUID", .text), ("patientRowID", .integer), ("studyDate", .text),
                    ("studyTime", .text), ("accessionNumber", .text), ("studyDescription", .text),
                    ("referringPhysicianName", .text), ("institutionName", .text),
                ]
            case .studyLevel: [("studyInstanceUID", .text), ("level", .text)]
            case .submissionStudy: [("submissionId", .text), ("studyInstanceUID", .text)]
            case .series:
                [
                    ("seriesInstanceUID", .text), ("studyInstanceUID", .text), ("modality", .text),
                    ("seriesNumber", .integer), ("seriesDescription", .text), ("protocolName", .text),
                    ("bodyPartExamined", .text), ("plane", .text), ("sliceThickness", .real),
                    ("magneticFieldStrength", .real), ("repetitionTime", .real), ("echoTime", .real),
                    ("convolutionKernel", .text), ("manufacturer", .text), ("manufacturerModelName", .text),
                ]
            case .seriesLevel: [("seriesInstanceUID", .text), ("level", .text), ("studyInstanceUID", .text)]
            case .instance:
                [
                    ("id", .integer), ("sopInstanceUID", .text), ("headerDigest", .text),
                    ("seriesInstanceUID", .text), ("sopClassUID", .text), ("instanceNumber", .integer),
                    ("transferSyntaxUID", .text), ("firstSubmissionId", .text), ("damage", .text),
                ]
            case .file:
                [
                    ("id", .integer), ("submissionId", .text), ("path", .text), ("size", .integer),
                    ("contentHash", .text), ("role", .text), ("instanceRowID", .integer), ("linked", .boolean),
                ]
            case .finding:
                [
                    ("id", .integer), ("submissionId", .text), ("severity", .text), ("code", .text),
                    ("message", .text), ("path", .text), ("uid", .text),
                ]
            case .review:
                [
                    ("submissionId", .text), ("status", .text), ("priority", .text), ("reviewer", .text),
                    ("queuedAt", .timestamp), ("claimedAt", .timestamp), ("completedAt", .timestamp),
                    ("outcome", .text), ("followUpOf", .text),
                ]
            case .reviewLink: [("submissionId", .text), ("reviewSubmissionId", .text)]
            case .event:
                [("id", .integer), ("at", .timestamp), ("actor", .text), ("action", .text), ("subject", .text)]
            }
        return columns.map { Column(name: $0.0, type: $0.1) }
    }

    /// The columns rows are ordered by: the primary key.
    public var keyColumns: [String] {
        switch self {
        case .submission: ["id"]
        case .study: ["studyInstanceUID"]
        case .studyLevel, .seriesLevel: [columns[0].name, "level"]
        case .submissionStudy: ["submissionId", "studyInstanceUID"]
        case .series: ["seriesInstanceUID"]
        case .review, .reviewLink: ["submissionId"]
        case .patient, .instance, .file, .finding, .event: ["id"]
        }
    }

    /// Whether the table's key is a generated row number (which a copy keeps, and then moves the
    /// target's generator past).
    public var hasRowNumber: Bool { keyColumns == ["id"] && columns[0].type == .integer }
}

/// One value of a catalog row, typed as its column is.
public enum CatalogValue: Sendable, Hashable {
    case null
    case text(String)
    case integer(Int64)
    case real(Double)
    case boolean(Bool)
    case timestamp(Date)
}

extension CatalogValue {
    public var text: String? {
        if case .text(let value) = self { value } else { nil }
    }

    public var integer: Int64? {
        if case .integer(let value) = self { value } else { nil }
    }

    public var real: Double? {
        if case .real(let value) = self { value } else { nil }
    }

    public var boolean: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    public var timestamp: Date? {
        if case .timestamp(let value) = self { value } else { nil }
    }

    public init(_ text: String?) {
        self = text.map(CatalogValue.text) ?? .null
    }

    public init(_ integer: Int?) {
        self = integer.map { .integer(Int64($0)) } ?? .null
    }

    public init(_ real: Double?) {
        self = real.map(CatalogValue.real) ?? .null
    }
}
