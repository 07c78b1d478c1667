import ArgumentParser
import StudyCatalog

extension IntakeCommand {
    /// `intake stats`: what the catalog holds.
    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Count what the catalog holds: submissions, patients, studies, series, instances, files, findings, reviews."
        )

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var logging: LoggingOptions

        @Option(help: "Output format: table, json or csv.")
        var format: DataFormat = .table

        func run() async throws {
            let catalog = try await homeOptions.openExistingCatalog(logging: logging)
            let records = try await catalog.statistics().counts.map { name, value in
                OutputRecord(fields: [("name", .text(name)), ("count", .integer(value))])
            }
            try format.print(records, tableColumns: [("name", "What"), ("count", "Count")])
        }
    }
}
