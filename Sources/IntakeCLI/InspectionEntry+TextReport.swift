import DICOM

extension InspectionEntry {
    /// A block for the terminal: the path, then one `Keyword: value` line per attribute present,
    /// with the names and order of the JSON form.
    var textReport: String {
        switch outcome {
        case .failure(let error):
            return "\(path)\n  error: \(error.summary)\n"
        case .success(let header):
            let lines = header.keywordValues.map { "  \($0.keyword): \($0.value)" }
            return ([path] + lines).joined(separator: "\n") + "\n"
        }
    }
}
