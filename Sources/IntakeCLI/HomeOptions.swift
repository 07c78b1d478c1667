import ArgumentParser
import Intake

/// `--home`, shared by every command that uses the catalog and the store.
struct HomeOptions: ParsableArguments {
    @Option(
        help:
            "Folder holding catalog.sqlite, store/ and quarantine/ (default $INTAKE_HOME, else ~/.local/share/intake).")
    var home: String?

    var intakeHome: IntakeHome { IntakeHome.resolve(home) }
}
