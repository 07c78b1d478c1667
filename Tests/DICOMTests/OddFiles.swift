import Foundation

/// The odd files `Scripts/make-odd-files` writes into Tests/OddFiles: one kind of real-world oddity each.
enum OddFiles {
    static let root: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("OddFiles").path

    static func path(_ relative: String) -> String { root + "/" + relative }
}
