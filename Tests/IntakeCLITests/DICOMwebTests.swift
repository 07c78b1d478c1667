import Foundation
import Intake
import StudyCatalog
import Testing

/// The built `intake serve` over an ingested home, driven from outside by dicomweb-client (the
/// library 3D Slicer's DICOMweb browser uses) through the pytest modules in Tests/DICOMweb, on
/// both catalogs: the SQLite one without a token on loopback, the PostgreSQL one requiring a token.
@Suite("DICOMweb: the built server against a real DICOMweb client")
struct DICOMwebTests {
    static let clientTests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DICOMweb").path

    @Test(
        "dicomweb-client searches, retrieves and gets metadata and frames; every access audited",
        arguments: CatalogBackend.allCases)
    func dicomwebClient(backend: CatalogBackend) async throws {
        let python = try TestPython.interpreter()
        try await backend.withCatalog {
            let home = IngestQueryCommandTests.Home()
            defer { home.remove() }
            let fixtures = home.path + "-fixtures"
            defer { try? FileManager.default.removeItem(atPath: fixtures) }
            let made = try IntakeProcess.run(
                [python, Self.clientTests + "/make_fixtures.py", fixtures], executable: "/usr/bin/env")
            try #require(made.status == 0, "\(made.standardError)")
            let sample = IntakeProcess.sampleStudies
            let ingest = try IntakeProcess.run(
                ["ingest", "--home", home.path, sample + "/CSPINE_MR", sample + "/CSPINE_CT", fixtures])
            try #require(ingest.status != 2, "\(ingest.standardError)")
            // A disc quarantined with its files: its headers do not fit the limit.
            let quarantined = try IntakeProcess.run(
                ["ingest", "--home", home.path, "--max-header-bytes", "1024", sample + "/CHARSETS"])
            try #require(quarantined.text.contains("quarantined"), "\(quarantined.text)")

            let viewerOrigin = "http://viewer.example.org:3000"
            var serveArguments = [
                "serve", "--home", home.path, "--listen", "127.0.0.1:0", "--allow-origin", viewerOrigin,
            ]
            var environment = [
                "DICOMWEB_ALLOWED_ORIGIN": viewerOrigin,
                "INTAKE_HOME": home.path, "INTAKE_EXECUTABLE": IntakeProcess.executable.path,
                "PYTHONDONTWRITEBYTECODE": "1",
            ]
            let tokenFile = home.path + "-tokens"
            defer { try? FileManager.default.removeItem(atPath: tokenFile) }
            if backend == .postgres {
                let token = UUID().uuidString
                FileManager.default.createFile(
                    atPath: tokenFile, contents: Data("reviewer-1 \(token)\n".utf8),
                    attributes: [.posixPermissions: 0o600])
                serveArguments += ["--token-file", tokenFile]
                environment["DICOMWEB_TOKEN"] = token
            }
            let server = try ServingProcess(serveArguments)
            defer { server.stop() }
            environment["DICOMWEB_URL"] = server.baseURL
            let tests = try IntakeProcess.run(
                [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", Self.clientTests],
                environment: environment, executable: "/usr/bin/env")
            #expect(tests.status == 0, "\(tests.text)\n\(tests.standardError)")
            #expect(tests.text.contains(" passed"), "\(tests.text)")
            #expect(server.stop() == 0, "SIGTERM lets requests finish, then exits 0")

            let catalog = try await CatalogLocation.resolve(IntakeProcess.catalog, home: IntakeHome(path: home.path))
                .open(mustExist: true)
            let events = try await catalog.rows(of: .event, offset: 0, limit: 100_000)
            await catalog.close()
            let actor = backend == .postgres ? "reviewer-1" : "loopback"
            let actions = Set(events.filter { $0[2].text == actor }.compactMap { $0[3].text })
            for action in [
                "search-studies", "search-series", "search-instances", "retrieve-metadata", "retrieve-instance",
                "retrieve-series", "retrieve-study", "retrieve-frames", "retrieve-bulkdata", "retrieve-rendered",
                "retrieve-thumbnail",
            ] {
                #expect(actions.contains(action), "no \(action) event by \(actor) in the audit trail")
            }
            let subjects = Set(events.filter { $0[3].text == "retrieve-frames" }.compactMap { $0[4].text })
            #expect(subjects.contains("1.2.826.0.1.3680043.10.1470.1"), "a retrieval names its study")
        }
    }

    @Test("Off loopback without a token file the server refuses to start; a token file others can read is refused")
    func refusesToServeTheNetworkOpenly() throws {
        let home = IngestQueryCommandTests.Home()
        defer { home.remove() }
        _ = try IntakeProcess.run(["ingest", "--home", home.path, IntakeProcess.sampleStudies + "/CSPINE_CT"])
        let open = try IntakeProcess.run(["serve", "--home", home.path, "--listen", "0.0.0.0:0"])
        #expect(open.status == 2)
        #expect(open.standardError.contains("--token-file"), "\(open.standardError)")
        let tokenFile = home.path + "/tokens"
        FileManager.default.createFile(
            atPath: tokenFile, contents: Data("viewer \(UUID().uuidString)\n".utf8),
            attributes: [.posixPermissions: 0o644])
        let readable = try IntakeProcess.run(
            ["serve", "--home", home.path, "--listen", "0.0.0.0:0", "--token-file", tokenFile])
        #expect(readable.status == 2)
        #expect(readable.standardError.contains("owner-only"), "\(readable.standardError)")
    }
}

/// The Python the DICOMweb tests run dicomweb-client with: `Scripts/test` makes it (Scripts/test-python)
/// and names it in INTAKE_TEST_PYTHON. A test that needs it and finds none fails, saying how to get
/// one: it is never skipped.
enum TestPython {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    static func interpreter() throws -> String {
        guard let python = ProcessInfo.processInfo.environment["INTAKE_TEST_PYTHON"], !python.isEmpty else {
            throw Unavailable(
                description: """
                    no Python with dicomweb-client for the DICOMweb tests: run them with Scripts/test, or set \
                    INTAKE_TEST_PYTHON=$(Scripts/test-python)
                    """)
        }
        return python
    }
}

struct NotServing: Error, CustomStringConvertible {
    var description: String
}

/// `intake serve` running in the background, its base URL read from the line it prints once listening.
final class ServingProcess: @unchecked Sendable {
    let process: Process
    let baseURL: String

    init(_ arguments: [String]) throws {
        process = IntakeProcess.unstarted(arguments)
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var text = ""
        let deadline = Date().addingTimeInterval(60)
        while !text.contains("\n"), Date() < deadline, process.isRunning {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("listening on ") else {
            IntakeProcess.stop(process)
            let reason = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw NotServing(description: "intake serve did not start: \(text)\(reason)")
        }
        // Its log goes on being read, so that a full pipe never blocks it.
        errors.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
        baseURL = String(line.dropFirst("listening on ".count))
    }

    /// Stops it with SIGTERM (SIGKILL after 30 s); its exit status.
    @discardableResult
    func stop() -> Int32 {
        IntakeProcess.stop(process)
        return process.terminationStatus
    }
}
