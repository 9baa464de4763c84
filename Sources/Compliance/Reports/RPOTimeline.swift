public import Foundation

/// RPO adherence computed from snapshot commit times alone, so a report is right for periods
/// before SLA evaluation recorded anything.
///
/// At any instant the tenant is within RPO when its newest snapshot committed by then (or, before
/// the first one, the start of protection) is at most `rpoTarget` old. So after each reference
/// time r, the tenant is breached from r + RPO until the next commit.
public struct RPOTimeline: Sendable, Hashable {
    public var rpoTarget: TimeInterval
    public var protectedSince: Date
    /// Commit times, in any order; those before `protectedSince` count from `protectedSince`.
    public var commits: [Date]

    public init(rpoTarget: TimeInterval, protectedSince: Date, commits: [Date]) {
        self.rpoTarget = rpoTarget
        self.protectedSince = protectedSince
        self.commits = commits
    }

    /// Adherence over [start, end), measured up to `now` at most.
    public func adherence(from start: Date, to end: Date, now: Date) -> ComplianceReport.RPOAdherence {
        let windowStart = max(start, protectedSince)
        let windowEnd = min(end, now)
        guard windowEnd > windowStart else {
            return ComplianceReport.RPOAdherence(adherence: nil, measuredSeconds: 0, breachedSeconds: 0, breaches: [])
        }
        let references = ([protectedSince] + commits.filter { $0 > protectedSince && $0 < windowEnd }).sorted()
        var breaches: [ComplianceReport.Breach] = []
        for (index, reference) in references.enumerated() {
            let next = index + 1 < references.count ? references[index + 1] : nil
            let breachStart = reference.addingTimeInterval(rpoTarget)
            let breachEnd = next ?? windowEnd
            let clippedStart = max(breachStart, windowStart)
            let clippedEnd = min(breachEnd, windowEnd)
            guard clippedEnd > clippedStart else { continue }
            breaches.append(ComplianceReport.Breach(
                start: clippedStart, end: clippedEnd, durationSeconds: clippedEnd.timeIntervalSince(clippedStart),
                ongoing: next == nil && windowEnd == now))
        }
        let measured = windowEnd.timeIntervalSince(windowStart)
        let breached = breaches.reduce(0) { $0 + $1.durationSeconds }
        return ComplianceReport.RPOAdherence(adherence: (measured - breached) / measured, measuredSeconds: measured,
                                             breachedSeconds: breached, breaches: breaches)
    }
}

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
