import Foundation

/// A program run to its end with its output collected: what the tests' process helpers share.
public struct FinishedProcess {
    public var status: Int32
    public var standardOutput: Data
    public var standardError: Data

    /// Starts `process` with pipes for its output, reads both to their ends, and waits for it.
    public init(running process: Process) throws {
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        standardOutput = output.fileHandleForReading.readDataToEndOfFile()
        standardError = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        status = process.terminationStatus
    }
}
