/// The WHERE clause of a query, at study level (series conditions through EXISTS), at series level
/// (series conditions on `se` directly) or at instance level (series conditions on `se`, instance
/// conditions on `i`), in either dialect.
struct CatalogFilter {
    enum Level { case study, series, instance }

    private(set) var conditions: [String] = []
    private(set) var arguments: [CatalogValue] = []
    /// Whether a condition is on the patient (`p`), which `patientJoin` then joins.
    private var onPatient = false
    let limit: Int?
    let offset: Int?

    init(_ query: CatalogQuery, level: Level, dialect: SQLDialect) {
        limit = query.limit
        offset = query.offset
        func add(_ condition: String, _ values: [CatalogValue]) {
            conditions.append(condition)
            arguments += values
        }
        /// A condition on the series: directly at series and instance level, through EXISTS at study level.
        func onSeries(_ condition: String, _ values: [CatalogValue]) {
            switch level {
            case .series, .instance:
                add(condition, values)
            case .study:
                add(
                    "EXISTS (SELECT 1 FROM series se WHERE se.studyInstanceUID = st.studyInstanceUID AND \(condition))",
                    values)
            }
        }
        /// `column` equal to `value`, or matching it as a pattern when it has wildcards.
        func exactOrWildcard(_ column: String, _ value: String) {
            if CatalogQuery.hasWildcard(value) {
                add(dialect.anyCaseMatch(column), [.text(dialect.wildcardPattern(value))])
            } else {
                add("\(column) = ?", [.text(value)])
            }
        }
        func anyOf(_ column: String, _ values: [String]) -> String {
            "\(column) IN (" + Array(repeating: "?", count: values.count).joined(separator: ", ") + ")"
        }
        onPatient = query.patientID != nil || query.patientName != nil
        if let patientID = query.patientID { exactOrWildcard("p.patientID", patientID) }
        if let name = query.patientName {
            let patterns = NameKey.keyPatterns(name).map { CatalogValue.text(dialect.keyPattern($0)) }
            add("(" + patterns.map { _ in dialect.keyMatch("p.nameKey") }.joined(separator: " OR ") + ")", patterns)
        }
        if !query.modalities.isEmpty {
            let modalities = query.modalities.map { $0.uppercased() }
            onSeries(anyOf("se.modality", modalities), modalities.map(CatalogValue.text))
        }
        if let date = query.studyDate, let range = CatalogQuery.dateRange(date) {
            if let from = range.from { add("st.studyDate >= ?", [.text(from)]) }
            if let to = range.to { add("st.studyDate <= ?", [.text(to)]) }
        }
        func descriptionPattern(_ text: String) -> CatalogValue {
            .text(CatalogQuery.hasWildcard(text) ? dialect.wildcardPattern(text) : dialect.containsPattern(text))
        }
        if let studyDescription = query.studyDescription {
            add(dialect.anyCaseMatch("st.studyDescription"), [descriptionPattern(studyDescription)])
        }
        if let description = query.description {
            let pattern = descriptionPattern(description)
            switch level {
            case .study:
                add(
                    """
                    (\(dialect.anyCaseMatch("st.studyDescription")) OR EXISTS (SELECT 1 FROM series se
                        WHERE se.studyInstanceUID = st.studyInstanceUID AND \(dialect.anyCaseMatch("se.seriesDescription"))))
                    """, [pattern, pattern])
            case .series, .instance:
                add(dialect.anyCaseMatch("se.seriesDescription"), [pattern])
            }
        }
        if let bodyPart = query.bodyPart {
            onSeries("upper(se.bodyPartExamined) = ?", [.text(bodyPart.uppercased())])
        }
        if !query.levels.isEmpty {
            // Driven from the level indexes: the few rows at a level, not every series' levels.
            let marks = Array(repeating: "?", count: query.levels.count).joined(separator: ", ")
            let levels = query.levels.map(CatalogValue.text)
            switch level {
            case .series, .instance:
                add("se.seriesInstanceUID IN (SELECT seriesInstanceUID FROM seriesLevel WHERE level IN (\(marks)))", levels)
            case .study:
                add(
                    """
                    st.studyInstanceUID IN (SELECT studyInstanceUID FROM studyLevel WHERE level IN (\(marks))
                        UNION SELECT studyInstanceUID FROM seriesLevel WHERE level IN (\(marks)))
                    """, levels + levels)
            }
        }
        if let accession = query.accessionNumber { exactOrWildcard("st.accessionNumber", accession) }
        if !query.studyInstanceUIDs.isEmpty {
            add(anyOf("st.studyInstanceUID", query.studyInstanceUIDs), query.studyInstanceUIDs.map(CatalogValue.text))
        }
        if !query.seriesInstanceUIDs.isEmpty {
            onSeries(
                anyOf("se.seriesInstanceUID", query.seriesInstanceUIDs), query.seriesInstanceUIDs.map(CatalogValue.text)
            )
        }
        if !query.sopInstanceUIDs.isEmpty, level == .instance {
            add(anyOf("i.sopInstanceUID", query.sopInstanceUIDs), query.sopInstanceUIDs.map(CatalogValue.text))
        }
        if let submission = query.submissionId {
            add(
                "EXISTS (SELECT 1 FROM submissionStudy ss WHERE ss.studyInstanceUID = st.studyInstanceUID AND ss.submissionId = ?)",
                [.text(submission)])
        }
        if query.acceptedOnly {
            let accepted = "JOIN submission s ON s.id = f.submissionId AND s.status = 'accepted'"
            switch level {
            case .study:
                add(
                    """
                    EXISTS (SELECT 1 FROM submissionStudy ss JOIN submission s ON s.id = ss.submissionId
                        WHERE ss.studyInstanceUID = st.studyInstanceUID AND s.status = 'accepted')
                    """, [])
            case .series:
                add(
                    """
                    EXISTS (SELECT 1 FROM instance si JOIN file f ON f.instanceRowID = si.id \(accepted)
                        WHERE si.seriesInstanceUID = se.seriesInstanceUID)
                    """, [])
            case .instance:
                add("EXISTS (SELECT 1 FROM file f \(accepted) WHERE f.instanceRowID = i.id)", [])
            }
        }
    }

    /// The join to the patient (`p`) of the study `st` when a condition needs it, else nothing.
    var patientJoin: String { onPatient ? "JOIN patient p ON p.id = st.patientRowID" : "" }

    var whereClause: String { conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") }

    /// LIMIT and OFFSET; an offset without a limit gets the largest limit both dialects take.
    var limitClause: String {
        switch (limit, offset) {
        case (nil, nil): ""
        case (let limit?, nil): "LIMIT \(max(0, limit))"
        case (let limit, let offset?): "LIMIT \(max(0, limit ?? Int(Int64.max))) OFFSET \(max(0, offset))"
        }
    }
}
