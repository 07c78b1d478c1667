import Foundation

/// The odd files of `Scripts/make-odd-files`, written once per test process into a temporary folder.
enum OddFiles {
    static let root: String = {
        let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scripts")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("odd-files-\(UUID().uuidString)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scripts.appendingPathComponent("make-odd-files").path, folder.path]
        try? process.run()
        process.waitUntilExit()
        return folder.path
    }()

    static func path(_ relative: String) -> String { root + "/" + relative }
}
