/// Filters of `intake query` and of QIDO-RS, all optional, combined with AND. A list matches any of
/// its values; an empty list matches everything.
public struct CatalogQuery: Sendable {
    /// Exactly, or with `*` and `?` wildcards.
    public var patientID: String?
    /// `*` and `?` wildcards, case- and accent-insensitive.
    public var patientName: String?
    /// Modalities of the series (of any series of the study, at study level).
    public var modalities: [String]
    /// A DICOM date range: `20240101-20241231`, `20240101-`, `-20241231`, or one date.
    public var studyDate: String?
    /// A substring of the study or series description, any case; with `*` or `?` in it, a wildcard
    /// pattern the whole description must match, any case.
    public var description: String?
    /// The study's own description only, matched as `description` is.
    public var studyDescription: String?
    public var bodyPart: String?
    /// Canonical spinal levels, any of which matches (the caller widens a level to its neighbours).
    public var levels: [String]
    /// Exactly, or with `*` and `?` wildcards.
    public var accessionNumber: String?
    public var studyInstanceUIDs: [String]
    public var seriesInstanceUIDs: [String]
    /// Only for instances.
    public var sopInstanceUIDs: [String]
    public var submissionId: String?
    /// Only what accepted submissions brought: studies and series with an instance whose file an
    /// accepted submission holds, and those instances. What only a quarantined submission holds is
    /// left out.
    public var acceptedOnly: Bool
    public var limit: Int?
    /// Rows of the (stable) order to skip first.
    public var offset: Int?

    public init(
        patientID: String? = nil, patientName: String? = nil, modalities: [String] = [], studyDate: String? = nil,
        description: String? = nil, studyDescription: String? = nil, bodyPart: String? = nil, levels: [String] = [],
        accessionNumber: String? = nil,
        studyInstanceUIDs: [String] = [], seriesInstanceUIDs: [String] = [], sopInstanceUIDs: [String] = [],
        submissionId: String? = nil, acceptedOnly: Bool = false, limit: Int? = nil, offset: Int? = nil
    ) {
        self.patientID = patientID
        self.patientName = patientName
        self.modalities = modalities
        self.studyDate = studyDate
        self.description = description
        self.studyDescription = studyDescription
        self.bodyPart = bodyPart
        self.levels = levels
        self.accessionNumber = accessionNumber
        self.studyInstanceUIDs = studyInstanceUIDs
        self.seriesInstanceUIDs = seriesInstanceUIDs
        self.sopInstanceUIDs = sopInstanceUIDs
        self.submissionId = submissionId
        self.acceptedOnly = acceptedOnly
        self.limit = limit
        self.offset = offset
    }

    /// Whether `text` holds a DICOM wildcard (`*` or `?`).
    public static func hasWildcard(_ text: String) -> Bool {
        text.contains("*") || text.contains("?")
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
