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
