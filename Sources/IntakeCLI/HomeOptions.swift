import ArgumentParser
import Foundation
import Intake
import StudyCatalog

/// `--home` and `--catalog`, shared by every command that uses the catalog and the store.
struct HomeOptions: ParsableArguments {
    @Option(
        help:
            "Folder holding catalog.sqlite, store/ and quarantine/ (default $INTAKE_HOME, else ~/.local/share/intake).")
    var home: String?

    @Option(
        help: ArgumentHelp(
            "The catalog: a SQLite file, or postgres://user@host:port/db (default $INTAKE_CATALOG, else <home>/catalog.sqlite).",
            discussion: "A password never goes in the URL: PGPASSWORD or ~/.pgpass (PGPASSFILE) supplies it."))
    var catalog: String?

    var intakeHome: IntakeHome { IntakeHome.resolve(home) }

    func catalogLocation() throws(IntakeError) -> CatalogLocation {
        try CatalogLocation.resolve(catalog, home: intakeHome)
    }

    /// The catalog as it is; a SQLite file that is not there is an environment error, not a new file.
    func openExistingCatalog(logging: LoggingOptions) async throws -> any Catalog {
        logging.bootstrap()
        return try await catalogLocation().open(mustExist: true)
    }

    /// An ingester of the home with this catalog.
    func ingester(limits: LimitOptions) async throws -> Ingester {
        try await Ingester.open(home: intakeHome, catalog: catalogLocation(), limits: limits.limits)
    }
}
