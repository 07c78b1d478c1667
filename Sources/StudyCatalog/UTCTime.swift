import Foundation

/// Times as text in UTC, by the C library: ISO 8601 for the catalog and what is printed, and the
/// stamp of a submission id. Foundation's date formatting sets up a calendar and the local time
/// zone through ICU on first use, 3–4 MB of its tables mapped into an ingest that has no other use
/// for them.
public enum UTCTime {
    /// `2026-12-01T01:31:48Z`: ISO 8601, to the second.
    public static func iso8601(_ date: Date) -> String { format(date, "%Y-%m-%dT%H:%M:%SZ") }

    /// `date` (to the second, rounded down) in UTC, as `strftime` formats `pattern`.
    public static func format(_ date: Date, _ pattern: String) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var utc = tm()
        gmtime_r(&seconds, &utc)
        var text = [CChar](repeating: 0, count: 64)
        let length = strftime(&text, text.count, pattern, &utc)
        return String(decoding: text.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
