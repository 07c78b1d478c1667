import Foundation
import TestSupport

/// Runs the built `intake` executable, as a script would.
struct IntakeProcess {
    /// The catalog the processes a test starts use (`INTAKE_CATALOG`), set by `withCatalog`; nil:
    /// each home's own SQLite file.
    @TaskLocal static var catalog: String?

    /// The environment of an `intake` process: this one's, the test's catalog, then `extra`.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["INTAKE_CATALOG"] = catalog
        return environment.merging(extra) { $1 }
    }

    struct Outcome {
        var status: Int32
        var standardOutput: Data
        var standardError: String
        var text: String { String(decoding: standardOutput, as: UTF8.self) }
    }

    /// The `intake` built next to this test bundle (SwiftPM builds it for this test target).
    static let executable: URL = {
        if let override = ProcessInfo.processInfo.environment["INTAKE_EXECUTABLE"] {
            return URL(fileURLWithPath: override)
        }
        return Bundle.main.bundleURL.appendingPathComponent("intake")
    }()

    static let sampleStudies: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SampleStudies").path

    /// Runs `intake` (or `executable`, a shell around it) to its end.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], executable: String? = nil
    ) throws -> Outcome {
        let process = Process()
        process.environment = Self.environment(environment)
        process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? Self.executable
        process.arguments = arguments
        let finished = try FinishedProcess(running: process)
        return Outcome(
            status: finished.status, standardOutput: finished.standardOutput,
            standardError: String(decoding: finished.standardError, as: UTF8.self))
    }

    /// Runs `intake` to its end under a wrapper whose only child it is, and returns its own peak
    /// resident memory in kilobytes (getrusage of the wrapper's children: `intake` alone).
    static func runMeasuringPeakMemory(_ arguments: [String]) throws -> (outcome: Outcome, peakKilobytes: Int) {
        let wrapper = """
            import resource, subprocess, sys
            status = subprocess.run(sys.argv[1:]).returncode
            sys.stderr.write("peak-rss-kb %d\\n" % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            sys.exit(status)
            """
        var outcome = try run(["python3", "-c", wrapper, executable.path] + arguments, executable: "/usr/bin/env")
        let lines = outcome.standardError.split(separator: "\n", omittingEmptySubsequences: false)
        let last = lines.last { $0.hasPrefix("peak-rss-kb ") } ?? ""
        outcome.standardError = outcome.standardError.replacingOccurrences(of: last + "\n", with: "")
        return (outcome, Int(last.dropFirst("peak-rss-kb ".count)) ?? 0)
    }

    /// Starts `intake` in the background with its output discarded, for tests that kill it, signal
    /// it or race it against another.
    static func start(_ arguments: [String]) throws -> Process {
        let process = unstarted(arguments)
        try process.run()
        return process
    }

    /// Stops a background `intake` as systemd would: SIGTERM, then SIGKILL when it has not exited
    /// within 30 s (a test that fails must not hang the run).
    static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(30)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// `intake` set up but not started, output discarded.
    static func unstarted(_ arguments: [String]) -> Process {
        let process = Process()
        process.executableURL = executable
        process.environment = environment()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        return process
    }
}

/// The two catalogs the command-line tests run against: each home's SQLite file, and a PostgreSQL
/// database in the private test cluster.
enum CatalogBackend: String, CaseIterable, Sendable {
    case sqlite, postgres

    /// Runs `body` with the `intake` processes it starts using a fresh catalog of this backend.
    func withCatalog<Value>(_ body: () async throws -> Value) async throws -> Value {
        switch self {
        case .sqlite:
            return try await body()
        case .postgres:
            let url = try TestPostgres.makeDatabase()
            defer { TestPostgres.dropDatabase(url) }
            return try await IntakeProcess.$catalog.withValue(url) { try await body() }
        }
    }
}
