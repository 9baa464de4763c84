public import Foundation

/// The period scheduled reports cover; each run writes the last complete one (UTC).
public enum ReportPeriod: String, Sendable, Hashable, CaseIterable {
    case daily
    case weekly
    case monthly

    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    /// The last period that ended at or before `now`: [start, end).
    public func lastComplete(before now: Date) -> (start: Date, end: Date) {
        let calendar = Self.calendar
        let component: Calendar.Component = switch self {
        case .daily: .day
        case .weekly: .weekOfYear
        case .monthly: .month
        }
        let currentStart = calendar.dateInterval(of: component, for: now)!.start
        let previousStart = calendar.date(byAdding: component, value: -1, to: currentStart)!
        return (previousStart, currentStart)
    }

    /// `2026-10` for a month, else the first day (`2026-11-16`).
    public func label(start: Date) -> String {
        let day = String(ComplianceDates.iso8601(start).prefix(10))
        return self == .monthly ? String(day.prefix(7)) : day
    }
}
