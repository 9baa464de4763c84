public import Foundation
public import Tenancy

/// Which snapshots a policy keeps and which it deletes, decided from the snapshots' times alone
/// (pure, so it is tested across years of simulated snapshots without a database).
///
/// Grandfather-father-son as restic and Borg do it: the newest `last`; then, walking newest
/// first, the newest snapshot of each of the latest `daily` calendar days that hold one, of
/// `weekly` ISO weeks, `monthly` months and `yearly` years — boundaries in the policy's time zone.
/// Within a period a good snapshot is preferred over a newer partial or failed one. An expired
/// snapshot is still kept when a guard protects it (invariant 8), or while a pending restore plan
/// restores from it.
public struct RetentionPlan: Sendable, Hashable {
    public struct Snapshot: Sendable, Hashable {
        public var id: Int64
        public var committedAt: Date
        /// Complete, and its newest validation (if any) passed.
        public var good: Bool
        public var legalHold: Bool
        /// A restore plan that is planned or applying restores from it.
        public var pendingRestore: Bool

        public init(id: Int64, committedAt: Date, good: Bool, legalHold: Bool = false, pendingRestore: Bool = false) {
            self.id = id
            self.committedAt = committedAt
            self.good = good
            self.legalHold = legalHold
            self.pendingRestore = pendingRestore
        }
    }

    public enum Rule: String, Sendable, Hashable, Codable, CaseIterable { case last, daily, weekly, monthly, yearly }

    /// Why an expired snapshot is kept anyway.
    public enum Protection: String, Sendable, Hashable, Codable {
        case legalHold = "legal_hold"
        case immutable
        case newestGood = "newest_good"
        /// The newest snapshot: the next incremental backup builds on its delta links and root.
        case newest
        /// Committed after the evaluation time (a clock behind the database's).
        case future
        /// A restore plan not yet applied (planned or applying) restores from it.
        case restorePlan = "restore_plan"
    }

    /// Snapshots the policy keeps, with the rules that keep each.
    public var kept: [Int64: Set<Rule>] = [:]
    /// Snapshots the policy expired but a guard keeps.
    public var protected: [Int64: Protection] = [:]
    /// Snapshots to delete, oldest first.
    public var delete: [Int64] = []

    public init(snapshots: [Snapshot], rules: RetentionRules, timeZone: TimeZone, now: Date, immutabilityWindow: TimeInterval,
                tenantLegalHold: Bool) {
        let newestFirst = snapshots.sorted { $0.id > $1.id }
        // The rules look back from `now`: snapshots after it (a clock behind the database's) are
        // neither counted nor deleted.
        let eligible = newestFirst.filter { $0.committedAt <= now }
        for snapshot in eligible.prefix(max(0, rules.last)) { self.kept[snapshot.id, default: []].insert(.last) }

        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = timeZone
        let periods: [(Rule, Int, (Date) -> [Int])] = [
            (.daily, rules.daily, { let c = calendar.dateComponents([.year, .month, .day], from: $0); return [c.year!, c.month!, c.day!] }),
            (.weekly, rules.weekly, { let c = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: $0)
                                      return [c.yearForWeekOfYear!, c.weekOfYear!] }),
            (.monthly, rules.monthly, { let c = calendar.dateComponents([.year, .month], from: $0); return [c.year!, c.month!] }),
            (.yearly, rules.yearly, { [calendar.component(.year, from: $0)] }),
        ]
        for (rule, count, period) in periods where count > 0 {
            // Newest first: the first `count` distinct periods, each represented by its newest good
            // snapshot (or its newest, when none is good).
            var order: [[Int]] = []
            var chosen: [[Int]: Snapshot] = [:]
            for snapshot in eligible {
                let key = period(snapshot.committedAt)
                if let current = chosen[key] {
                    if !current.good && snapshot.good { chosen[key] = snapshot }
                } else {
                    guard order.count < count else { continue }
                    order.append(key)
                    chosen[key] = snapshot
                }
            }
            for key in order { self.kept[chosen[key]!.id, default: []].insert(rule) }
        }

        let newestGood = newestFirst.first(where: \.good)?.id
        let newest = newestFirst.first?.id
        let immutableAfter = now.addingTimeInterval(-immutabilityWindow)
        for snapshot in newestFirst.reversed() where self.kept[snapshot.id] == nil {
            if snapshot.legalHold || tenantLegalHold {
                self.protected[snapshot.id] = .legalHold
            } else if snapshot.committedAt > now {
                self.protected[snapshot.id] = .future
            } else if snapshot.committedAt > immutableAfter {
                self.protected[snapshot.id] = .immutable
            } else if snapshot.id == newestGood {
                self.protected[snapshot.id] = .newestGood
            } else if snapshot.id == newest {
                self.protected[snapshot.id] = .newest
            } else if snapshot.pendingRestore {
                self.protected[snapshot.id] = .restorePlan
            } else {
                self.delete.append(snapshot.id)
            }
        }
    }
}
