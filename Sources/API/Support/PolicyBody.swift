public import Foundation
public import Tenancy

/// A policy's create and update body, with the API's checks: the policy routes decode it from
/// JSON, the console builds it from a form, so both refuse bad input alike. On update every field
/// is optional.
public struct PolicyBody: APIRequestBody {
    public static let fields: Set<String> = Set(CodingKeys.allCases.map(\.rawValue))

    public var name: String?
    public var description: String?
    public var backupIntervalSeconds: Int64?
    public var windowStart: String?
    public var windowEnd: String?
    public var windowTimezone: String?
    public var rpoTargetSeconds: Int64?
    public var keepLast: Int?
    public var keepDaily: Int?
    public var keepWeekly: Int?
    public var keepMonthly: Int?
    public var keepYearly: Int?
    public var immutabilityWindowSeconds: Int64?
    public var retentionIntervalSeconds: Int64?
    public var validationIntervalSeconds: Int64?

    public init() {}

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description
        case backupIntervalSeconds = "backup_interval_seconds", windowStart = "window_start", windowEnd = "window_end"
        case windowTimezone = "window_timezone", rpoTargetSeconds = "rpo_target_seconds"
        case keepLast = "keep_last", keepDaily = "keep_daily", keepWeekly = "keep_weekly", keepMonthly = "keep_monthly"
        case keepYearly = "keep_yearly", immutabilityWindowSeconds = "immutability_window_seconds"
        case retentionIntervalSeconds = "retention_interval_seconds", validationIntervalSeconds = "validation_interval_seconds"
    }

    public func validate() throws {
        if let name {
            try Validate.nonEmpty(name, field: "name", maxLength: 100)
            guard name.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)) }) else {
                throw APIError(.invalidRequest, "field 'name' must be letters, digits, '-', '_' or '.' (got '\(name)')")
            }
        }
        if let description { try Validate.maxLength(description, 1000, field: "description") }
        let year: Int64 = 366 * 86_400
        for (field, value, minimum) in [("backup_interval_seconds", backupIntervalSeconds, Int64(60)), ("rpo_target_seconds", rpoTargetSeconds, 1),
                                        ("immutability_window_seconds", immutabilityWindowSeconds, 0),
                                        ("retention_interval_seconds", retentionIntervalSeconds, 60),
                                        ("validation_interval_seconds", validationIntervalSeconds, 60)] {
            if let value, value < minimum || value > 100 * year {
                throw APIError(.invalidRequest, "field '\(field)' must be from \(minimum) to \(100 * year) seconds (got \(value))")
            }
        }
        if let keepLast { try Validate.range(keepLast, 1...100_000, field: "keep_last") }
        for (field, value) in [("keep_daily", keepDaily), ("keep_weekly", keepWeekly), ("keep_monthly", keepMonthly), ("keep_yearly", keepYearly)] {
            if let value { try Validate.range(value, 0...100_000, field: field) }
        }
        guard (windowStart == nil) == (windowEnd == nil) else {
            throw APIError(.invalidRequest, "fields 'window_start' and 'window_end' go together: give both or neither")
        }
        for (field, value) in [("window_start", windowStart), ("window_end", windowEnd)] {
            if let value, !Self.isTimeOfDay(value) { throw APIError(.invalidRequest, "field '\(field)' must be a time of day HH:MM (got '\(value)')") }
        }
        if let windowTimezone, TimeZone(identifier: windowTimezone) == nil {
            // Well-formed for the document, which cannot list the zones this host's tz database knows.
            throw APIError(.unprocessableRequest, "field 'window_timezone' names no IANA time zone known here, such as Europe/Paris (got '\(windowTimezone)')")
        }
    }

    static func isTimeOfDay(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]), let minute = Int(parts[1]) else { return false }
        return (0...23).contains(hour) && (0...59).contains(minute)
    }

    /// The settings the body gives; `validate()` has made sure the window comes whole or not at all.
    public var changes: PolicyChanges {
        var changes = PolicyChanges()
        changes.description = description
        changes.backupInterval = backupIntervalSeconds.map(TimeInterval.init)
        if let windowStart, let windowEnd { changes.window = (windowStart, windowEnd) }
        changes.timezone = windowTimezone
        changes.rpoTarget = rpoTargetSeconds.map(TimeInterval.init)
        changes.keepLast = keepLast
        changes.keepDaily = keepDaily
        changes.keepWeekly = keepWeekly
        changes.keepMonthly = keepMonthly
        changes.keepYearly = keepYearly
        changes.immutabilityWindow = immutabilityWindowSeconds.map(TimeInterval.init)
        changes.retentionInterval = retentionIntervalSeconds.map(TimeInterval.init)
        changes.validationInterval = validationIntervalSeconds.map(TimeInterval.init)
        return changes
    }
}
