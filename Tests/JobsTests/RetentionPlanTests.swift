import Foundation
import Jobs
import Tenancy
import Testing

@Suite("Retention: grandfather-father-son selection")
struct RetentionPlanTests {
    static let utc = TimeZone(identifier: "UTC")!
    static let start = Date(timeIntervalSince1970: 1_577_836_800)  // 2020-01-01T00:00:00Z

    /// Snapshots every `step` seconds from `start` for `span` seconds, all good.
    static func series(step: TimeInterval, span: TimeInterval) -> [RetentionPlan.Snapshot] {
        var snapshots: [RetentionPlan.Snapshot] = []
        var time = start
        var id: Int64 = 1
        while time < start.addingTimeInterval(span) {
            snapshots.append(.init(id: id, committedAt: time, good: true))
            id += 1
            time = time.addingTimeInterval(step)
        }
        return snapshots
    }

    static func key(_ date: Date, _ components: Set<Calendar.Component>, _ zone: TimeZone) -> [Int] {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        let c = calendar.dateComponents(components, from: date)
        return [c.yearForWeekOfYear, c.weekOfYear, c.year, c.month, c.day].compactMap { $0 }
    }

    @Test func threeYearsOfSnapshotsEveryEightHours() {
        let snapshots = Self.series(step: 8 * 3600, span: 3 * 365 * 86_400)
        let now = snapshots.last!.committedAt.addingTimeInterval(3600)
        let rules = RetentionRules(last: 5, daily: 10, weekly: 8, monthly: 12, yearly: 7)
        let plan = RetentionPlan(snapshots: snapshots, rules: rules, timeZone: Self.utc, now: now, immutabilityWindow: 0, tenantLegalHold: false)
        let newestFirst = snapshots.sorted { $0.id > $1.id }

        // Every snapshot is kept, protected or deleted, exactly once.
        #expect(plan.kept.count + plan.protected.count + plan.delete.count == snapshots.count)
        #expect(Set(plan.delete).isDisjoint(with: plan.kept.keys))
        #expect(plan.delete == plan.delete.sorted())
        // The newest `last`.
        #expect(newestFirst.prefix(5).allSatisfy { plan.kept[$0.id]?.contains(.last) == true })
        // For each period rule: as many periods as asked, each kept snapshot the newest of its period.
        for (rule, count, components) in [(RetentionPlan.Rule.daily, 10, Set<Calendar.Component>([.year, .month, .day])),
                                          (.weekly, 8, [.yearForWeekOfYear, .weekOfYear]), (.monthly, 12, [.year, .month]),
                                          (.yearly, 7, [.year])] {
            let keptByRule = snapshots.filter { plan.kept[$0.id]?.contains(rule) == true }
            let periods = Set(snapshots.map { Self.key($0.committedAt, components, Self.utc) })
            #expect(keptByRule.count == min(count, periods.count), "\(rule)")
            for snapshot in keptByRule {
                let period = Self.key(snapshot.committedAt, components, Self.utc)
                let newestOfPeriod = newestFirst.first { Self.key($0.committedAt, components, Self.utc) == period }
                #expect(newestOfPeriod?.id == snapshot.id, "\(rule) keeps the newest of its period")
            }
            // The kept periods are the most recent ones.
            let keptPeriods = Set(keptByRule.map { Self.key($0.committedAt, components, Self.utc) })
            let recent = newestFirst.map { Self.key($0.committedAt, components, Self.utc) }.reduce(into: [[Int]]()) { result, key in
                if result.last != key { result.append(key) }
            }.prefix(count)
            #expect(keptPeriods == Set(recent), "\(rule)")
        }
        // Three years of yearly snapshots: fewer years than asked, all kept (2020, 2021, 2022).
        #expect(snapshots.filter { plan.kept[$0.id]?.contains(.yearly) == true }.count == 3)
        #expect(plan.delete.count > snapshots.count - 60)
    }

    @Test func periodsFollowThePolicysTimeZone() {
        // 23:30 UTC on Jan 1 is already Jan 2 in Paris: the day's newest differs by time zone.
        let evening = Self.start.addingTimeInterval(23.5 * 3600)
        let snapshots = [RetentionPlan.Snapshot(id: 1, committedAt: Self.start.addingTimeInterval(12 * 3600), good: true),
                         RetentionPlan.Snapshot(id: 2, committedAt: evening, good: true),
                         RetentionPlan.Snapshot(id: 3, committedAt: evening.addingTimeInterval(3 * 86_400), good: true)]
        let rules = RetentionRules(last: 1, daily: 3)
        let now = evening.addingTimeInterval(4 * 86_400)
        let utc = RetentionPlan(snapshots: snapshots, rules: rules, timeZone: Self.utc, now: now, immutabilityWindow: 0, tenantLegalHold: false)
        let paris = RetentionPlan(snapshots: snapshots, rules: rules, timeZone: TimeZone(identifier: "Europe/Paris")!, now: now,
                                  immutabilityWindow: 0, tenantLegalHold: false)
        #expect(utc.delete == [1])  // 1 and 2 share Jan 1 in UTC
        #expect(paris.delete.isEmpty)  // 1 is Jan 1, 2 is Jan 2 in Paris
    }

    @Test func guardsKeepHeldImmutableAndNewestGoodSnapshots() {
        var snapshots = Self.series(step: 86_400, span: 60 * 86_400)
        snapshots[3].legalHold = true
        // The newest three are partial: the newest good one is older than `last` reaches.
        for index in snapshots.indices.suffix(3) { snapshots[index].good = false }
        let now = snapshots.last!.committedAt.addingTimeInterval(3600)
        let rules = RetentionRules(last: 1)
        let plan = RetentionPlan(snapshots: snapshots, rules: rules, timeZone: Self.utc, now: now, immutabilityWindow: 10 * 86_400,
                                 tenantLegalHold: false)
        let newestGood = snapshots.last { $0.good }!
        #expect(plan.protected[snapshots[3].id] == .legalHold)
        #expect(plan.protected[newestGood.id] == .immutable || plan.protected[newestGood.id] == .newestGood)
        #expect(!plan.delete.contains(newestGood.id))
        for snapshot in snapshots where snapshot.committedAt > now.addingTimeInterval(-10 * 86_400) {
            #expect(!plan.delete.contains(snapshot.id), "inside the immutability window")
        }
        // Without immutability, the newest good one is still protected by invariant 8.
        let bare = RetentionPlan(snapshots: snapshots, rules: rules, timeZone: Self.utc, now: now, immutabilityWindow: 0, tenantLegalHold: false)
        #expect(bare.protected[newestGood.id] == .newestGood)
        #expect(bare.delete.count == snapshots.count - 3)  // minus newest (last), held, newest good
        // A tenant hold protects everything.
        let held = RetentionPlan(snapshots: snapshots, rules: rules, timeZone: Self.utc, now: now, immutabilityWindow: 0, tenantLegalHold: true)
        #expect(held.delete.isEmpty)
    }

    @Test func aGoodSnapshotRepresentsItsDayOverANewerPartialOne() {
        let snapshots = [RetentionPlan.Snapshot(id: 1, committedAt: Self.start.addingTimeInterval(3600), good: true),
                         RetentionPlan.Snapshot(id: 2, committedAt: Self.start.addingTimeInterval(7200), good: false),
                         RetentionPlan.Snapshot(id: 3, committedAt: Self.start.addingTimeInterval(3 * 86_400), good: true)]
        let plan = RetentionPlan(snapshots: snapshots, rules: RetentionRules(last: 1, daily: 2), timeZone: Self.utc,
                                 now: Self.start.addingTimeInterval(4 * 86_400), immutabilityWindow: 0, tenantLegalHold: false)
        #expect(plan.kept[1] == [.daily])
        #expect(plan.delete == [2])
    }

    @Test func aPendingRestorePlanKeepsItsSnapshotBehindTheFirmerGuards() {
        let day: TimeInterval = 86_400
        let snapshots = (1...6).map { id in
            RetentionPlan.Snapshot(id: Int64(id), committedAt: Self.start.addingTimeInterval(Double(id) * day), good: true,
                                   legalHold: id == 2, pendingRestore: [2, 3, 5, 6].contains(id))
        }
        let plan = RetentionPlan(snapshots: snapshots, rules: RetentionRules(last: 1), timeZone: Self.utc,
                                 now: Self.start.addingTimeInterval(10 * day), immutabilityWindow: 5.5 * day, tenantLegalHold: false)
        #expect(plan.kept[6] == [.last])
        #expect(plan.protected == [2: .legalHold, 3: .restorePlan, 5: .immutable])
        #expect(plan.delete == [1, 4])
    }
}
