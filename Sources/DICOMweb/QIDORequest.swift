import DICOM
import Intake
import StudyCatalog

/// A QIDO-RS search (PS3.18 10.6) as the catalog query it asks for: matching attributes by keyword
/// or tag, `limit` and `offset`, `includefield` and `fuzzymatching` accepted. What it cannot honour
/// is said in `warnings` (a `Warning` header), never silently dropped.
struct QIDORequest: Sendable {
    enum Level: String, Sendable { case studies, series, instances }

    struct Invalid: Error {
        let message: String
    }

    var query = CatalogQuery(acceptedOnly: true)
    var warnings: [String] = []
    let level: Level

    /// Most rows one answer holds, and what an answer without `limit` gets.
    static func maximumLimit(_ level: Level) -> Int { level == .instances ? 10_000 : 1_000 }

    init(level: Level, parameters: QueryParameters, study: String? = nil, series: String? = nil) throws(Invalid) {
        self.level = level
        if let study { query.studyInstanceUIDs = [study] }
        if let series { query.seriesInstanceUIDs = [series] }
        var limit = Self.maximumLimit(level)
        for (key, value) in parameters.pairs {
            switch key {
            case "limit":
                guard let number = Int(value), number >= 0 else {
                    throw Invalid(message: "limit must be a number, not \(value)")
                }
                if number > limit { warnings.append("limit capped at \(limit)") }
                limit = min(number, limit)
            case "offset":
                guard let number = Int(value), number >= 0 else {
                    throw Invalid(message: "offset must be a number, not \(value)")
                }
                query.offset = number
            case "fuzzymatching":
                if value.lowercased() == "true" {
                    warnings.append(
                        "fuzzymatching is not supported; names match case- and accent-insensitively with wildcards")
                }
            case "includefield":
                for field in value.split(separator: ",").map(String.init) where field != "all" {
                    guard DICOMAttribute.tag(of: field) != nil || Self.looksLikeKeyword(field) else {
                        throw Invalid(message: "includefield names no attribute: \(field)")
                    }
                }
            case "spinalLevel":
                let levels = SpinalLevelMentions.searchLevels(for: value)
                guard !levels.isEmpty else {
                    throw Invalid(message: "spinalLevel takes a level such as C5-C6, not \(value)")
                }
                query.levels = levels
            default:
                try match(key, value)
            }
        }
        query.limit = limit
    }

    /// One matching attribute; an empty value or a lone `*` matches everything.
    private mutating func match(_ key: String, _ value: String) throws(Invalid) {
        guard let tag = DICOMAttribute.tag(of: key) else {
            guard Self.looksLikeKeyword(key) else { throw Invalid(message: "unknown query parameter \(key)") }
            warnings.append("\(key) is not supported for matching and was ignored")
            return
        }
        guard !value.isEmpty, value != "*" else { return }
        let list = value.split(whereSeparator: { $0 == "\\" || $0 == "," }).map(String.init)
        switch DICOMAttribute(rawValue: tag) {
        case .patientName: query.patientName = value
        case .patientID: query.patientID = value
        case .studyDate:
            guard CatalogQuery.dateRange(value) != nil else {
                throw Invalid(
                    message: "StudyDate takes a date or a range (20240101-20241231, 20240101-, -20241231), not \(value)"
                )
            }
            query.studyDate = value
        case .accessionNumber: query.accessionNumber = value
        case .modalitiesInStudy where level == .studies, .modality where level != .studies: query.modalities = list
        case .studyDescription: query.studyDescription = value
        case .seriesDescription where level != .studies: query.description = value
        case .bodyPartExamined: query.bodyPart = value
        case .studyInstanceUID: query.studyInstanceUIDs = try Self.uids(list, query.studyInstanceUIDs)
        case .seriesInstanceUID where level != .studies:
            query.seriesInstanceUIDs = try Self.uids(list, query.seriesInstanceUIDs)
        case .sopInstanceUID where level == .instances: query.sopInstanceUIDs = try Self.uids(list, [])
        default:
            warnings.append("\(key) is not supported for matching at \(level.rawValue) level and was ignored")
        }
    }

    /// UIDs checked for UID syntax, and narrowed to those of the path when it names some.
    private static func uids(_ list: [String], _ fromPath: [String]) throws(Invalid) -> [String] {
        for uid in list where !UIDSyntax.isWellFormed(uid) { throw Invalid(message: "not a UID: \(uid)") }
        return fromPath.isEmpty ? list : list.filter(fromPath.contains)
    }

    private static func looksLikeKeyword(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } && text.first!.isUppercase
    }
}
