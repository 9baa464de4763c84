public import Foundation

/// Time spent in each SLA state within a period, from recorded state changes.
public struct SLAStateTimeline: Sendable, Hashable {
    /// Recorded changes (any order); only `to` and `at` matter.
    public var changes: [SLATransition]

    public init(changes: [SLATransition]) {
        self.changes = changes
    }

    public func durations(from start: Date, to end: Date, now: Date) -> ComplianceReport.SLAHistory {
        let windowEnd = min(end, now)
        let ordered = changes.sorted { ($0.at, $0.id) < ($1.at, $1.id) }
        var seconds: [SLAState: Double] = [:]
        var unrecorded = 0.0
        var current: SLAState? = ordered.last { $0.at <= start }?.to
        var cursor = start
        for change in ordered where change.at > start && change.at < windowEnd {
            let span = change.at.timeIntervalSince(cursor)
            if let current { seconds[current, default: 0] += span } else { unrecorded += span }
            current = change.to
            cursor = change.at
        }
        if windowEnd > cursor {
            let span = windowEnd.timeIntervalSince(cursor)
            if let current { seconds[current, default: 0] += span } else { unrecorded += span }
        }
        return ComplianceReport.SLAHistory(
            currentState: ordered.last { $0.at <= windowEnd }?.to.rawValue,
            okSeconds: seconds[.ok] ?? 0, atRiskSeconds: seconds[.atRisk] ?? 0, breachedSeconds: seconds[.breached] ?? 0,
            unrecordedSeconds: unrecorded,
            changes: ordered.filter { $0.at >= start && $0.at < windowEnd }.count)
    }
}
