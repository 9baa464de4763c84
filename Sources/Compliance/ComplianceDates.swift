public import Foundation

/// Timestamps as reports, webhooks and the CLI print them: ISO 8601 in UTC, whole seconds
/// (`2026-11-21T22:14:14Z`).
public enum ComplianceDates {
    public static func iso8601(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Parses `2026-11-01`, `2026-11-01T00:00:00Z` or with fractional seconds.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        if let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) { return date }
        return nil
    }
}
