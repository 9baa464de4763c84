public import Foundation

/// A named policy assigned to tenants: schedule, RPO, grandfather-father-son retention,
/// immutability and validation interval (the `policies` table; docs/policies.md).
///
/// Durations are in seconds. `timezone` places the preferred window and the day, week, month and
/// year boundaries retention counts in.
public struct Policy: Sendable, Hashable, Codable {
    public var id: UUID
    public var name: String
    public var description: String
    public var backupInterval: TimeInterval
    /// Preferred window, `HH:MM` local time in ``timezone``; both nil or both set.
    public var windowStart: String?
    public var windowEnd: String?
    public var timezone: String
    public var rpoTarget: TimeInterval
    public var retention: RetentionRules
    /// No snapshot younger than this can be deleted by anyone.
    public var immutabilityWindow: TimeInterval
    public var retentionInterval: TimeInterval
    public var validationInterval: TimeInterval
    public var createdAt: Date
    public var updatedAt: Date
}

/// Grandfather-father-son: the newest `last`, then the newest of each of the latest `daily` days,
/// `weekly` ISO weeks, `monthly` months and `yearly` years that hold a snapshot.
public struct RetentionRules: Sendable, Hashable, Codable {
    public var last: Int
    public var daily: Int
    public var weekly: Int
    public var monthly: Int
    public var yearly: Int

    public init(last: Int, daily: Int = 0, weekly: Int = 0, monthly: Int = 0, yearly: Int = 0) {
        self.last = last
        self.daily = daily
        self.weekly = weekly
        self.monthly = monthly
        self.yearly = yearly
    }
}

/// The settings of a policy to create; every field has the `policies` table's default.
public struct PolicySettings: Sendable, Hashable {
    public var description: String = ""
    public var backupInterval: TimeInterval = 86_400
    public var windowStart: String?
    public var windowEnd: String?
    public var timezone: String = "UTC"
    public var rpoTarget: TimeInterval = 26 * 3600
    public var retention = RetentionRules(last: 7, daily: 30, weekly: 12, monthly: 12, yearly: 7)
    public var immutabilityWindow: TimeInterval = 0
    public var retentionInterval: TimeInterval = 86_400
    public var validationInterval: TimeInterval = 7 * 86_400

    public init() {}

    /// Every rule the table checks, with a message naming the setting, so the CLI and the API
    /// refuse bad input before it reaches the database.
    public func validate() throws(PolicyError) {
        func positive(_ value: TimeInterval, _ name: String, minimum: TimeInterval) throws(PolicyError) {
            guard value.isFinite, value >= minimum else {
                throw PolicyError(.invalidPolicy, "\(name) must be at least \(Int(minimum)) seconds (got \(value))")
            }
        }
        try positive(self.backupInterval, "backup interval", minimum: 60)
        try positive(self.retentionInterval, "retention interval", minimum: 60)
        try positive(self.validationInterval, "validation interval", minimum: 60)
        try positive(self.rpoTarget, "RPO target", minimum: 1)
        guard self.immutabilityWindow.isFinite, self.immutabilityWindow >= 0 else {
            throw PolicyError(.invalidPolicy, "immutability window must be zero or more seconds (got \(self.immutabilityWindow))")
        }
        guard self.retention.last >= 1 else {
            throw PolicyError(.invalidPolicy, "keep-last must be at least 1: the newest snapshot is always kept (got \(self.retention.last))")
        }
        for (value, name) in [(self.retention.daily, "keep-daily"), (self.retention.weekly, "keep-weekly"),
                              (self.retention.monthly, "keep-monthly"), (self.retention.yearly, "keep-yearly")] where value < 0 {
            throw PolicyError(.invalidPolicy, "\(name) must be zero or more (got \(value))")
        }
        guard TimeZone(identifier: self.timezone) != nil else {
            throw PolicyError(.invalidPolicy, "timezone '\(self.timezone)' is not an IANA time zone name (e.g. UTC, Europe/Paris)")
        }
        switch (self.windowStart, self.windowEnd) {
        case (nil, nil): break
        case let (start?, end?):
            guard let startMinutes = Self.minutes(start) else {
                throw PolicyError(.invalidPolicy, "window start '\(start)' is not a time of day as HH:MM")
            }
            guard let endMinutes = Self.minutes(end) else {
                throw PolicyError(.invalidPolicy, "window end '\(end)' is not a time of day as HH:MM")
            }
            guard startMinutes != endMinutes else {
                throw PolicyError(.invalidPolicy, "window start and end are equal; leave both out for any time of day")
            }
        default:
            throw PolicyError(.invalidPolicy, "give both window start and window end, or neither")
        }
    }

    /// Minutes after midnight of `HH:MM`, or nil.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0..<24).contains(hours), (0..<60).contains(minutes) else { return nil }
        return hours * 60 + minutes
    }
}

/// A change to some settings of a policy; nil leaves a setting as it is.
public struct PolicyChanges: Sendable {
    public var description: String?
    public var backupInterval: TimeInterval?
    /// `.some(nil)` clears the window.
    public var window: (start: String, end: String)??
    public var timezone: String?
    public var rpoTarget: TimeInterval?
    public var keepLast: Int?
    public var keepDaily: Int?
    public var keepWeekly: Int?
    public var keepMonthly: Int?
    public var keepYearly: Int?
    public var immutabilityWindow: TimeInterval?
    public var retentionInterval: TimeInterval?
    public var validationInterval: TimeInterval?

    public init() {}

    public var isEmpty: Bool {
        self.description == nil && self.backupInterval == nil && self.window == nil && self.timezone == nil && self.rpoTarget == nil
            && self.keepLast == nil && self.keepDaily == nil && self.keepWeekly == nil && self.keepMonthly == nil && self.keepYearly == nil
            && self.immutabilityWindow == nil && self.retentionInterval == nil && self.validationInterval == nil
    }

    /// `settings` with these changes applied.
    public func applied(to settings: PolicySettings) -> PolicySettings {
        var result = settings
        if let description { result.description = description }
        if let backupInterval { result.backupInterval = backupInterval }
        if let window {
            result.windowStart = window?.start
            result.windowEnd = window?.end
        }
        if let timezone { result.timezone = timezone }
        if let rpoTarget { result.rpoTarget = rpoTarget }
        if let keepLast { result.retention.last = keepLast }
        if let keepDaily { result.retention.daily = keepDaily }
        if let keepWeekly { result.retention.weekly = keepWeekly }
        if let keepMonthly { result.retention.monthly = keepMonthly }
        if let keepYearly { result.retention.yearly = keepYearly }
        if let immutabilityWindow { result.immutabilityWindow = immutabilityWindow }
        if let retentionInterval { result.retentionInterval = retentionInterval }
        if let validationInterval { result.validationInterval = validationInterval }
        return result
    }
}

extension Policy {
    /// The policy's settings (what an update starts from).
    public var settings: PolicySettings {
        var settings = PolicySettings()
        settings.description = self.description
        settings.backupInterval = self.backupInterval
        settings.windowStart = self.windowStart
        settings.windowEnd = self.windowEnd
        settings.timezone = self.timezone
        settings.rpoTarget = self.rpoTarget
        settings.retention = self.retention
        settings.immutabilityWindow = self.immutabilityWindow
        settings.retentionInterval = self.retentionInterval
        settings.validationInterval = self.validationInterval
        return settings
    }
}
