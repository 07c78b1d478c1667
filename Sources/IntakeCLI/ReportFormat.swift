import ArgumentParser

/// `--format` of commands that print reports.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
}
