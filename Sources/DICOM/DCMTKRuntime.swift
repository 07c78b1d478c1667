internal import CDCMTK
import Logging

/// DCMTK's process-wide state, prepared once: the data dictionary checked, log output routed.
enum DCMTKRuntime {
    static let logger = Logger(label: "studyintake.dcmtk")

    /// The outcome of the one-time initialisation; every read checks it first.
    static let readiness: Result<Void, DICOMReadError> = {
        var error: OpaquePointer?
        if cdcmtk_initialize(forwardToSwiftLog, &error) {
            return .success(())
        }
        return .failure(DICOMReadError(consuming: error, path: "DCMTK"))
    }()
}

/// Every DCMTK failure also reaches the caller as a typed `DICOMReadError`, so DCMTK's own log lines
/// are detail: they are logged one level lower than DCMTK rates them.
private func forwardToSwiftLog(
    level: cdcmtk_log_level, logger: UnsafePointer<CChar>, message: UnsafePointer<CChar>
) {
    let swiftLevel: Logger.Level
    switch level {
    case CDCMTK_LOG_FATAL: swiftLevel = .error
    case CDCMTK_LOG_ERROR: swiftLevel = .notice
    case CDCMTK_LOG_WARN: swiftLevel = .debug
    case CDCMTK_LOG_INFO: swiftLevel = .debug
    default: swiftLevel = .trace
    }
    DCMTKRuntime.logger.log(
        level: swiftLevel, "\(String(cString: message))",
        metadata: ["dcmtk.logger": "\(String(cString: logger))"])
}
