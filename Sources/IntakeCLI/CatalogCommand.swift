import ArgumentParser
import Intake

extension IntakeCommand {
    /// `intake catalog copy --to URL`.
    struct CatalogCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "catalog", abstract: "Move the catalog: copy it into another, empty one.",
            subcommands: [Copy.self])
    }
}

extension IntakeCommand.CatalogCommand {
    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy everything the catalog holds into an empty one (a PostgreSQL database several hosts share).",
            discussion: """
                The source is --catalog (default $INTAKE_CATALOG, else <home>/catalog.sqlite); stop the watchers
                that write it first. Every table is counted on both sides afterwards; exits 2 when a count differs
                or the target is not empty.
                """)

        @OptionGroup var homeOptions: HomeOptions
        @OptionGroup var logging: LoggingOptions
        @Option(help: "The catalog to copy into: postgres://user@host:port/db or a SQLite file.") var to: String
        @Option(help: "Output format: table, json or csv.") var format: DataFormat = .table

        func run() async throws {
            let source = try await homeOptions.openExistingCatalog(logging: logging)
            let target = try await CatalogLocation.parse(to).open()
            let copied = try await CatalogCopy().run(from: source, to: target)
            await target.close()
            await source.close()
            try format.print(
                copied.map { OutputRecord(fields: [("table", .text($0.table.rawValue)), ("rows", .integer($0.rows))]) },
                tableColumns: [("table", "Table"), ("rows", "Rows")])
        }
    }
}
