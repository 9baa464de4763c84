public import Foundation

/// When a tenant's recurring job (backup, retention, validation) runs next.
///
/// Each tenant gets a stable offset derived from its id, so 10,000 tenants with the same policy
/// spread over the interval (or over the preferred window) instead of all starting at midnight.
/// A preferred window applies to intervals of a day or more; shorter intervals ignore it.
public struct SchedulePolicy: Sendable, Hashable {
    public var interval: Duration
    /// Start of the preferred window, in seconds after midnight UTC; nil: any time of day.
    public var windowStart: Int?
    /// Length of the preferred window in seconds.
    public var windowLength: Int

    public init(interval: Duration, windowStart: Int? = nil, windowLength: Int = 6 * 3600) {
        precondition(interval > .zero, "interval must be positive")
        self.interval = interval
        self.windowStart = windowStart
        self.windowLength = max(0, windowLength)
    }

    private static let day: Double = 86_400

    private var usesWindow: Bool { windowStart != nil && interval.seconds >= Self.day }

    /// The tenant's spread offset, 0 ≤ value < 1, stable for a tenant id.
    public static func spread(for tenant: UUID) -> Double {
        let bytes = tenant.uuid
        var value: UInt64 = 0
        for byte in [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5, bytes.6, bytes.7] { value = value << 8 | UInt64(byte) }
        return Double(value >> 11) / Double(UInt64(1) << 53)
    }

    /// The first run of a tenant that was never scheduled.
    public func firstRun(tenant: UUID, now: Date) -> Date {
        let spread = Self.spread(for: tenant)
        guard usesWindow, let windowStart else {
            return now.addingTimeInterval(spread * interval.seconds)
        }
        var slot = Self.slot(onDayOf: now, windowStart: windowStart, offset: spread * Double(windowLength))
        while slot <= now { slot = slot.addingTimeInterval(Self.day) }
        return slot
    }

    /// The run after the one that was due at `due`, always later than `now`. Runs missed while the
    /// coordinator was down are not made up one by one: the next is the first slot after now.
    public func nextRun(after due: Date, tenant: UUID, now: Date) -> Date {
        let seconds = interval.seconds
        guard usesWindow, let windowStart else {
            var next = due.addingTimeInterval(seconds)
            if next <= now {
                let missed = ((now.timeIntervalSince(next)) / seconds).rounded(.down) + 1
                next = next.addingTimeInterval(missed * seconds)
            }
            return next
        }
        let offset = Self.spread(for: tenant) * Double(windowLength)
        let candidate = due.addingTimeInterval(seconds)
        var slot = Self.slot(onDayOf: candidate, windowStart: windowStart, offset: offset)
        if slot < candidate.addingTimeInterval(-Self.day / 2) { slot = slot.addingTimeInterval(Self.day) }
        if slot > candidate.addingTimeInterval(Self.day / 2) { slot = slot.addingTimeInterval(-Self.day) }
        let step = (seconds / Self.day).rounded(.up) * Self.day
        while slot <= now { slot = slot.addingTimeInterval(step) }
        return slot
    }

    private static func slot(onDayOf date: Date, windowStart: Int, offset: Double) -> Date {
        let midnight = (date.timeIntervalSince1970 / day).rounded(.down) * day
        return Date(timeIntervalSince1970: midnight + Double(windowStart) + offset)
    }
}
