import Compliance
import Foundation
import HoldfastTesting
import Postgres
import Testing

@Suite("SLA")
struct SLATests {
    private func facts(ageHours: Double?, rpoHours: Double = 10, lastAttemptFailed: Bool = false, partial: Bool = false) -> TenantSLAFacts {
        TenantSLAFacts(
            tenantID: UUID(), tenantName: "Contoso", rpoTarget: rpoHours * 3600, tenantCreatedAt: History.hour(-100),
            newestSnapshotID: ageHours == nil ? nil : 1, newestSnapshotAt: ageHours.map { History.hour(-$0) },
            newestSnapshotPartial: partial, lastAttemptFailed: lastAttemptFailed)
    }

    @Test("state from the age of the newest snapshot against the RPO target, the last attempt and partial snapshots")
    func stateRules() {
        let now = History.origin
        #expect(SLAAssessment(facts: facts(ageHours: 5), at: now).state == .ok)
        #expect(SLAAssessment(facts: facts(ageHours: 8), at: now).state == .ok)  // exactly 80 %: not past it
        let nearly = SLAAssessment(facts: facts(ageHours: 8.5), at: now)
        #expect(nearly.state == .atRisk)
        #expect(nearly.reasons == [.rpoNearlyExceeded])
        let breached = SLAAssessment(facts: facts(ageHours: 10.5), at: now)
        #expect(breached.state == .breached)
        #expect(breached.reasons == [.rpoExceeded])
        #expect(abs(breached.rpoUsed - 1.05) < 1e-9)
        #expect(SLAAssessment(facts: facts(ageHours: 1, lastAttemptFailed: true), at: now).reasons == [.lastAttemptFailed])
        #expect(SLAAssessment(facts: facts(ageHours: 1, partial: true), at: now).state == .atRisk)
        #expect(SLAAssessment(facts: facts(ageHours: 12, partial: true), at: now).state == .breached)
        // No snapshot: the age counts from the start of protection (100 h ago here).
        let none = SLAAssessment(facts: facts(ageHours: nil), at: now)
        #expect(none.state == .breached)
        #expect(none.reasons == [.noSnapshot, .rpoExceeded])
    }

    @Test("worst first: breached, at risk, ok; then by RPO used")
    func ordering() {
        let now = History.origin
        let sorted = [facts(ageHours: 1), facts(ageHours: 11), facts(ageHours: 9), facts(ageHours: 30), facts(ageHours: 1, partial: true)]
            .map { SLAAssessment(facts: $0, at: now) }.sortedWorstFirst()
        #expect(sorted.map(\.state) == [.breached, .breached, .atRisk, .atRisk, .ok])
        #expect(sorted[0].snapshotAgeSeconds == 30 * 3600)
        #expect(sorted[2].snapshotAgeSeconds == 9 * 3600)
    }

    /// RPO 10 h. Snapshots at hours 2, 15 and 20 (partial); a failed attempt at 14; the leader
    /// evaluates at the hours below.
    @Test("transitions recorded with their time against a scripted history, and the time out of SLA")
    func scriptedHistory() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let history = History(client: schema.client)
            let policy = try await history.policy("ten-hours", rpoHours: 10)
            let partner = try await history.partner("Fabrikam")
            let tenant = try await history.tenant("Contoso", partner: partner, policy: policy)
            let evaluator = SLAEvaluator(client: schema.client, configuration: .init(sendsWebhooks: true), enqueueChecks: .unchecked, logger: TestLogger.make())

            try await history.snapshot(tenant, at: History.hour(2))
            try await history.backupEvent(tenant, job: 1, state: "completed", attempt: 1, at: History.hour(2))
            try await history.backupEvent(tenant, job: 2, state: "retryable", attempt: 1, at: History.hour(14))
            try await history.snapshot(tenant, at: History.hour(15))
            try await history.backupEvent(tenant, job: 2, state: "completed", attempt: 2, at: History.hour(15))
            try await history.snapshot(tenant, at: History.hour(20), partial: true)
            try await history.backupEvent(tenant, job: 3, state: "completed", attempt: 1, at: History.hour(20))

            var states: [Double: SLAState] = [:]
            for hour in [1.0, 3, 10, 11, 12, 13, 14.5, 16, 21, 22] {
                let round = try await evaluator.evaluateAndRecord(now: History.hour(hour))
                states[hour] = try #require(round.assessments.first { $0.tenantID == tenant }).state
            }
            #expect(states[1] == .atRisk)     // no snapshot yet, 1 h into a 10 h RPO
            #expect(states[3] == .ok)
            #expect(states[10] == .ok)        // 8 h old: exactly 80 %
            #expect(states[11] == .atRisk)    // 9 h old
            #expect(states[13] == .breached)  // 11 h old
            #expect(states[14.5] == .breached) // the failed attempt does not change a breach
            #expect(states[16] == .ok)        // the retry succeeded at hour 15
            #expect(states[21] == .atRisk)    // the newest snapshot is partial

            let transitions = try await evaluator.transitions(tenantID: tenant)
            #expect(transitions.map(\.to) == [.atRisk, .ok, .atRisk, .breached, .ok, .atRisk])
            #expect(transitions.map(\.from) == [nil, .atRisk, .ok, .atRisk, .breached, .ok])
            #expect(transitions.map(\.at) == [1, 3, 11, 13, 16, 21].map { History.hour($0) })
            #expect(transitions[3].reasons == [.rpoExceeded])
            #expect(transitions[5].reasons == [.partialSnapshot])

            // How long out of SLA in the first day, from the recorded changes.
            let day = SLAStateTimeline(changes: transitions).durations(from: History.hour(0), to: History.hour(24), now: History.hour(30))
            #expect(day.unrecordedSeconds == 1 * 3600)
            #expect(day.atRiskSeconds == 7 * 3600)   // 1–3, 11–13, 21–24
            #expect(day.okSeconds == 13 * 3600)      // 3–11, 16–21
            #expect(day.breachedSeconds == 3 * 3600) // 13–16
            #expect(day.currentState == "at_risk")
            #expect(day.changes == 6)

            // A period starting mid-history begins in the state recorded before it.
            let afternoon = SLAStateTimeline(changes: transitions).durations(from: History.hour(12), to: History.hour(18), now: History.hour(30))
            #expect(afternoon.atRiskSeconds == 1 * 3600)
            #expect(afternoon.breachedSeconds == 3 * 3600)
            #expect(afternoon.okSeconds == 2 * 3600)
            #expect(afternoon.unrecordedSeconds == 0)

            // One webhook job for the breach and one for the recovery.
            let jobs = try await schema.client.query("SELECT args FROM jobs WHERE kind = 'webhook' ORDER BY id").rows
            let events = try jobs.map { row -> [String: Any] in
                try #require(try JSONSerialization.jsonObject(with: Data(try row.decode(String.self, at: 0).utf8)) as? [String: Any])
            }
            #expect(events.map { $0["event"] as? String } == ["sla.breached", "sla.recovered"])
            #expect(events.allSatisfy { $0["tenant_id"] as? String == tenant.uuidString.lowercased() })
            let payload = try #require(events.first?["payload"] as? [String: Any])
            #expect(payload["to_state"] as? String == "breached")
            #expect(payload["partner_name"] as? String == "Fabrikam")
            #expect(payload["at"] as? String == "2026-03-01T13:00:00Z")

            let recorded = try #require(try await schema.client.query(
                "SELECT state, since, evaluated_at, reasons::text FROM sla_states WHERE tenant_id = \(tenant)").first)
            #expect(try recorded.decode(String.self, "state") == "at_risk")
            #expect(try recorded.decode(Date.self, "since") == History.hour(21))
            #expect(try recorded.decode(Date.self, "evaluated_at") == History.hour(22))
            #expect(try recorded.decode(String.self, "reasons") == #"["partial_snapshot"]"#)

            // The recorded state and since when, as `holdfast sla` shows them.
            let shown = try await evaluator.assess(scope: .partner(partner), now: History.hour(22))
            #expect(shown.count == 1)
            #expect(shown.first?.state == .atRisk)
            #expect(shown.first?.since == History.hour(21))
        }
    }

    @Test("success rate over 30 days and validation freshness from the recorded history")
    func measures() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let history = History(client: schema.client)
            let tenant = try await history.tenant("Northwind", partner: nil, policy: nil, createdAt: History.hour(-24 * 40))
            // 40 days ago (outside the window): one failure; within it: 3 successes, 1 failure.
            try await history.backupEvent(tenant, job: 1, state: "discarded", attempt: 5, at: History.hour(-24 * 35))
            for (job, hours) in [(2, -72.0), (3, -48), (4, -24)] {
                try await history.backupEvent(tenant, job: Int64(job), state: "completed", attempt: 1, at: History.hour(hours))
            }
            try await history.backupEvent(tenant, job: 5, state: "retryable", attempt: 1, at: History.hour(-12))
            let snapshot = try await history.snapshot(tenant, at: History.hour(-24))
            try await history.validation(tenant, snapshot: snapshot, startedAt: History.hour(-20), passed: true, restoreSeconds: 12.5)
            try await history.validation(tenant, snapshot: snapshot, startedAt: History.hour(-5), passed: false, restoreSeconds: nil)

            let evaluator = SLAEvaluator(client: schema.client, enqueueChecks: .unchecked, logger: TestLogger.make())
            let assessment = try #require(try await evaluator.assess(scope: .tenant(tenant), now: History.origin).first)
            #expect(assessment.attemptsSucceeded30Days == 3)
            #expect(assessment.attemptsFailed30Days == 1)
            #expect(assessment.successRate30Days == 0.75)
            #expect(assessment.lastAttemptFailed)
            #expect(assessment.policyName == "standard")
            #expect(assessment.rpoTargetSeconds == 26 * 3600)
            #expect(assessment.state == .atRisk)  // 24 h of 26: past 80 %, and the last attempt failed
            #expect(Set(assessment.reasons) == [.rpoNearlyExceeded, .lastAttemptFailed])
            #expect(assessment.lastPassedValidationAt == History.hour(-20).addingTimeInterval(600))
            #expect(assessment.lastRestoreSeconds == 12.5)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let json = String(decoding: try encoder.encode(assessment), as: UTF8.self)
            #expect(json.contains(#""tenant_id":"\#(tenant.uuidString.lowercased())""#))
            #expect(json.contains(#""success_rate_30_days":0.75"#))
            #expect(json.contains(#""last_passed_validation_at":"2026-02-28T04:10:00Z""#))
            #expect(json.contains(#""state":"at_risk""#))
            // Assessing records nothing.
            #expect(try await evaluator.transitions(tenantID: tenant).isEmpty)
        }
    }
}
