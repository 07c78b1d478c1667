/// Filters of `intake query`, all optional, combined with AND.
public struct CatalogQuery: Sendable {
    public var patientID: String?
    /// `*` and `?` wildcards, case- and accent-insensitive.
    public var patientName: String?
    public var modality: String?
    /// A DICOM date range: `20240101-20241231`, `20240101-`, `-20241231`, or one date.
    public var studyDate: String?
    /// A substring of the study or series description, any case.
    public var description: String?
    public var bodyPart: String?
    /// Canonical spinal levels, any of which matches (the caller widens a level to its neighbours).
    public var levels: [String]
    public var accessionNumber: String?
    public var studyInstanceUID: String?
    public var submissionId: String?
    public var limit: Int?

    public init(
        patientID: String? = nil, patientName: String? = nil, modality: String? = nil, studyDate: String? = nil,
        description: String? = nil, bodyPart: String? = nil, levels: [String] = [], accessionNumber: String? = nil,
        studyInstanceUID: String? = nil, submissionId: String? = nil, limit: Int? = nil
    ) {
        self.patientID = patientID
        self.patientName = patientName
        self.modality = modality
        self.studyDate = studyDate
        self.description = description
        self.bodyPart = bodyPart
        self.levels = levels
        self.accessionNumber = accessionNumber
        self.studyInstanceUID = studyInstanceUID
        self.submissionId = submissionId
        self.limit = limit
    }

    /// The bounds of `studyDate`, or nil when it is not a DICOM date range.
    public static func dateRange(_ text: String) -> (from: String?, to: String?)? {
        let isDate = { (part: Substring) in part.count == 8 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        switch parts.count {
        case 1 where isDate(parts[0]):
            return (String(parts[0]), String(parts[0]))
        case 2
        where (parts[0].isEmpty || isDate(parts[0])) && (parts[1].isEmpty || isDate(parts[1]))
            && !(parts[0].isEmpty && parts[1].isEmpty):
            return (parts[0].isEmpty ? nil : String(parts[0]), parts[1].isEmpty ? nil : String(parts[1]))
        default:
            return nil
        }
    }
}
