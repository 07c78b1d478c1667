/// The WHERE clause of a query, at study level (series conditions through EXISTS) or at series
/// level (series conditions on `se` directly), in either dialect.
struct CatalogFilter {
    enum Level { case study, series }

    private(set) var conditions: [String] = []
    private(set) var arguments: [CatalogValue] = []
    let limit: Int?

    init(_ query: CatalogQuery, level: Level, dialect: SQLDialect) {
        limit = query.limit
        func add(_ condition: String, _ values: [CatalogValue]) {
            conditions.append(condition)
            arguments += values
        }
        /// A condition on the series: directly at series level, through EXISTS at study level.
        func onSeries(_ condition: String, _ values: [CatalogValue]) {
            switch level {
            case .series:
                add(condition, values)
            case .study:
                add(
                    "EXISTS (SELECT 1 FROM series se WHERE se.studyInstanceUID = st.studyInstanceUID AND \(condition))",
                    values)
            }
        }
        if let patientID = query.patientID { add("p.patientID = ?", [.text(patientID)]) }
        if let name = query.patientName {
            let patterns = NameKey.keyPatterns(name).map { CatalogValue.text(dialect.keyPattern($0)) }
            add("(" + patterns.map { _ in dialect.keyMatch("p.nameKey") }.joined(separator: " OR ") + ")", patterns)
        }
        if let modality = query.modality { onSeries("se.modality = ?", [.text(modality.uppercased())]) }
        if let date = query.studyDate, let range = CatalogQuery.dateRange(date) {
            if let from = range.from { add("st.studyDate >= ?", [.text(from)]) }
            if let to = range.to { add("st.studyDate <= ?", [.text(to)]) }
        }
        if let description = query.description {
            let pattern = CatalogValue.text(dialect.containsPattern(description))
            switch level {
            case .study:
                add(
                    """
                    (\(dialect.containsMatch("st.studyDescription")) OR EXISTS (SELECT 1 FROM series se
                        WHERE se.studyInstanceUID = st.studyInstanceUID AND \(dialect.containsMatch("se.seriesDescription"))))
                    """, [pattern, pattern])
            case .series:
                add(dialect.containsMatch("se.seriesDescription"), [pattern])
            }
        }
        if let bodyPart = query.bodyPart {
            onSeries("upper(se.bodyPartExamined) = ?", [.text(bodyPart.uppercased())])
        }
        if !query.levels.isEmpty {
            // Driven from the level indexes: the few rows at a level, not every series' levels.
            let marks = Array(repeating: "?", count: query.levels.count).joined(separator: ", ")
            let levels = query.levels.map(CatalogValue.text)
            let seriesAtLevel = "SELECT seriesInstanceUID FROM seriesLevel WHERE level IN (\(marks))"
            switch level {
            case .series:
                add("se.seriesInstanceUID IN (\(seriesAtLevel))", levels)
            case .study:
                add(
                    """
                    st.studyInstanceUID IN (SELECT studyInstanceUID FROM studyLevel WHERE level IN (\(marks))
                        UNION SELECT studyInstanceUID FROM series WHERE seriesInstanceUID IN (\(seriesAtLevel)))
                    """, levels + levels)
            }
        }
        if let accession = query.accessionNumber { add("st.accessionNumber = ?", [.text(accession)]) }
        if let uid = query.studyInstanceUID { add("st.studyInstanceUID = ?", [.text(uid)]) }
        if let submission = query.submissionId {
            add(
                "EXISTS (SELECT 1 FROM submissionStudy ss WHERE ss.studyInstanceUID = st.studyInstanceUID AND ss.submissionId = ?)",
                [.text(submission)])
        }
    }

    var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }
    var limitClause: String { limit.map { "LIMIT \(max(0, $0))" } ?? "" }
}
