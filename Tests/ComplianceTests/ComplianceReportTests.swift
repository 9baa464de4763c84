import Compliance
import Foundation
import HoldfastTesting
import Postgres
import Testing

@Suite("Compliance report")
struct ComplianceReportTests {
    /// Partner Fabrikam's tenant Contoso over the first day (RPO 10 h): backups at hours 2, 15 and
    /// 20 (partial), one failed attempt at 14 and one job discarded at 19.5, two validations; and
    /// another partner's tenant that must not appear.
    private func recordHistory(_ client: PostgresClient) async throws -> (partner: UUID, tenant: UUID, clientID: UUID) {
        let history = History(client: client)
        let policy = try await history.policy("ten-hours", rpoHours: 10, immutabilityDays: 14)
        let partner = try await history.partner("Fabrikam")
        let tenant = try await history.tenant("Contoso", partner: partner, policy: policy)
        let other = try await history.tenant("Tailspin", partner: try await history.partner("Other MSP"), policy: nil)
        try await history.snapshot(other, at: History.hour(3))

        try await history.backupEvent(tenant, job: 1, state: "available", attempt: 0, at: History.hour(1.5))
        try await history.backupEvent(tenant, job: 1, state: "running", attempt: 1, at: History.hour(1.6))
        try await history.backupEvent(tenant, job: 1, state: "completed", attempt: 1, at: History.hour(2))
        let first = try await history.snapshot(tenant, at: History.hour(2))
        try await history.backupEvent(tenant, job: 2, state: "available", attempt: 0, at: History.hour(13.5))
        try await history.backupEvent(tenant, job: 2, state: "retryable", attempt: 1, at: History.hour(14))
        try await history.backupEvent(tenant, job: 2, state: "completed", attempt: 2, at: History.hour(15))
        let second = try await history.snapshot(tenant, at: History.hour(15))
        try await history.backupEvent(tenant, job: 3, state: "available", attempt: 0, at: History.hour(19))
        try await history.backupEvent(tenant, job: 3, state: "discarded", attempt: 1, at: History.hour(19.5))
        try await history.backupEvent(tenant, job: 4, state: "available", attempt: 0, at: History.hour(19.6))
        try await history.backupEvent(tenant, job: 4, state: "completed", attempt: 1, at: History.hour(20))
        try await history.snapshot(tenant, at: History.hour(20), partial: true)
        // After the period: counted nowhere.
        try await history.backupEvent(tenant, job: 5, state: "available", attempt: 0, at: History.hour(25))
        try await history.snapshot(tenant, at: History.hour(26))

        try await history.validation(tenant, snapshot: first, startedAt: History.hour(5), passed: true, restoreSeconds: 42.5)
        try await history.validation(tenant, snapshot: second, startedAt: History.hour(17), passed: false, restoreSeconds: 50,
                                     checks: #"[{"name":"integrity","passed":true},{"name":"completeness","passed":false}]"#)
        try await history.dataKey(tenant, id: "dk-1", masterKeyID: "master-2026")
        let clientID = UUID()
        try await history.credential(tenant, clientID: clientID, dataKeyID: "dk-1", expiresAt: History.hour(24 * 90))
        try await history.legalHold(tenant, reason: "litigation 2026-17")
        return (partner, tenant, clientID)
    }

    @Test("contents match the recorded history")
    func contents() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let (partner, tenant, clientID) = try await recordHistory(schema.client)
            let report = try await ComplianceReportBuilder(client: schema.client, logger: TestLogger.make())
                .build(subject: .partner(partner), from: History.hour(0), to: History.hour(24), now: History.hour(30), signingKeyID: "sha256:test")
            #expect(report.scope.name == "Fabrikam")
            #expect(report.signingKeyID == "sha256:test")
            #expect(report.tenants.map(\.tenantName) == ["Contoso"])
            let section = try #require(report.tenants.first)
            #expect(section.tenantID == tenant.uuidString.lowercased())
            #expect(section.policy.name == "ten-hours")
            #expect(section.policy.rpoTargetSeconds == 36_000)

            #expect(section.backups.scheduled == 4)
            #expect(section.backups.succeeded == 2)
            #expect(section.backups.partial == 1)
            #expect(section.backups.failed == 1)
            #expect(section.backups.failedAttempts == 2)

            // From the commit times alone: out of RPO from hour 12 (2 + 10) to hour 15.
            #expect(section.rpo.breaches.count == 1)
            let breach = try #require(section.rpo.breaches.first)
            #expect(breach.start == History.hour(12))
            #expect(breach.end == History.hour(15))
            #expect(breach.durationSeconds == 3 * 3600)
            #expect(!breach.ongoing)
            #expect(section.rpo.measuredSeconds == 24 * 3600)
            #expect(section.rpo.adherence == 21.0 / 24.0)

            #expect(section.restorePoints.count == 3)
            #expect(section.restorePoints.oldest == History.hour(2))
            #expect(section.restorePoints.newest == History.hour(20))
            #expect(section.restorePoints.retention == "last 7, daily 30, weekly 12, monthly 12, yearly 7")
            #expect(section.immutability.windowSeconds == 14 * 86_400)
            #expect(section.immutability.legalHold)
            #expect(section.immutability.legalHoldReason == "litigation 2026-17")

            #expect(section.validations.run == 2)
            #expect(section.validations.passed == 1)
            #expect(section.validations.runs.map(\.restoreSeconds) == [42.5, 50])
            #expect(section.validations.runs.map(\.failedChecks) == [[], ["completeness"]])

            #expect(section.encryption.dataKeys.map(\.dataKeyID) == ["dk-1"])
            #expect(section.encryption.dataKeys.map(\.masterKeyID) == ["master-2026"])
            #expect(section.credentials.map(\.clientID) == [clientID.uuidString.lowercased()])
            #expect(section.credentials.first?.expiresAt == History.hour(24 * 90))

            // No SLA evaluation ran: the whole period is unrecorded, and the commit-time figures stand.
            #expect(section.slaHistory.unrecordedSeconds == 24 * 3600)

            // The JSON names what an auditor looks for and never key material.
            let json = String(decoding: try report.renderedJSON(), as: UTF8.self)
            #expect(json.contains(#""rpo_target_seconds" : 36000"#))
            #expect(json.contains(#""start" : "2026-03-01T12:00:00Z""#))
            #expect(json.contains(#""master_key_id" : "master-2026""#))
            #expect(!json.contains("wrapped"))
            let csv = report.renderedCSV()
            #expect(csv.contains("\r\n\(tenant.uuidString.lowercased()),Contoso,"))
            #expect(csv.contains(",87.5,1,3,2026-03-01T12:00:00Z/2026-03-01T15:00:00Z,"))
            let html = report.renderedHTML()
            #expect(html.contains("<td class=\"n\">87.5 %</td>"))
            #expect(html.contains("litigation 2026-17"))

            // The hold is released and retention deletes the hour-15 snapshot later: the period's
            // evidence does not change, only what can still be restored.
            try await schema.client.query("UPDATE tenants SET legal_hold = false, legal_hold_reason = NULL WHERE id = \(tenant)")
            try await schema.client.query("DELETE FROM snapshots WHERE tenant_id = \(tenant) AND committed_at = \(History.hour(15))")
            let later = try #require(try await ComplianceReportBuilder(client: schema.client, logger: TestLogger.make())
                .build(subject: .tenant(tenant), from: History.hour(0), to: History.hour(24), now: History.hour(40)).tenants.first)
            #expect(later.rpo == section.rpo)
            #expect(later.backups == section.backups)
            #expect(later.restorePoints.count == 2)
        }
    }

    @Test("a tenant's report, an ongoing breach, and a tenant that started mid-period")
    func ongoingBreach() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let history = History(client: schema.client)
            let policy = try await history.policy("four-hours", rpoHours: 4)
            let tenant = try await history.tenant("Adatum", partner: nil, policy: policy, createdAt: History.hour(10))
            try await history.snapshot(tenant, at: History.hour(11))
            let report = try await ComplianceReportBuilder(client: schema.client, logger: TestLogger.make())
                .build(subject: .tenant(tenant), from: History.hour(0), to: History.hour(48), now: History.hour(20))
            let section = try #require(report.tenants.first)
            #expect(report.scope.kind == "tenant")
            #expect(section.rpo.measuredSeconds == 10 * 3600)  // hour 10 (protected) to 20 (now)
            #expect(section.rpo.breaches.map(\.start) == [History.hour(15)])
            #expect(section.rpo.breaches.map(\.end) == [History.hour(20)])
            #expect(section.rpo.breaches.first?.ongoing == true)
            #expect(section.rpo.adherence == 0.5)
        }
    }

    @Test("a partner sees only its own tenants, in reports and in the SLA")
    func partnerIsolation() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let (partner, tenant, _) = try await recordHistory(schema.client)
            let other = try await History(client: schema.client).partner("Elsewhere")
            let builder = ComplianceReportBuilder(client: schema.client, logger: TestLogger.make())
            await #expect(throws: ComplianceError(.tenantNotFound, "")) {
                try await builder.build(subject: .tenant(tenant), from: History.hour(0), to: History.hour(24), visibleToPartner: other)
            }
            await #expect(throws: ComplianceError(.partnerNotFound, "")) {
                try await builder.build(subject: .partner(partner), from: History.hour(0), to: History.hour(24), visibleToPartner: other)
            }
            let own = try await builder.build(subject: .tenant(tenant), from: History.hour(0), to: History.hour(24), visibleToPartner: partner)
            #expect(own.tenants.count == 1)

            let evaluator = SLAEvaluator(client: schema.client, enqueueChecks: .unchecked, logger: TestLogger.make())
            #expect(try await evaluator.assess(scope: .all, now: History.hour(24)).count == 2)
            #expect(try await evaluator.assess(scope: .all, now: History.hour(24), visibleToPartner: partner).map(\.tenantID) == [tenant])
            #expect(try await evaluator.assess(scope: .tenant(tenant), now: History.hour(24), visibleToPartner: other).isEmpty)
        }
    }

    @Test("a period that ends before it starts is refused")
    func invalidPeriod() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let history = History(client: schema.client)
            let partner = try await history.partner("Fabrikam")
            await #expect(throws: ComplianceError(.invalidPeriod, "")) {
                try await ComplianceReportBuilder(client: schema.client, logger: TestLogger.make())
                    .build(subject: .partner(partner), from: History.hour(5), to: History.hour(5))
            }
        }
    }

    @Test("scheduled reports: the last complete month, written once per partner and format, signed")
    func scheduled() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let (partner, _, _) = try await recordHistory(schema.client)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("holdfast-reports-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let key = try ReportSigningKey.generate()
            let task = ScheduledReportTask(
                builder: ComplianceReportBuilder(client: schema.client, logger: TestLogger.make()),
                configuration: .init(directory: directory, partners: ["Fabrikam"], period: .monthly, formats: [.json, .csv]),
                signingKey: key, logger: TestLogger.make())
            // 2026-04-10: the last complete month is March, which holds the scripted history.
            let now = History.hour(24 * 40)
            let written = try await task.writeDue(now: now)
            let stem = "\(directory)/fabrikam-\(partner.uuidString.lowercased().prefix(8))-2026-03"
            #expect(written == ["\(stem).json", "\(stem).csv"])
            for path in written {
                #expect(try ComplianceReportWriter.verify(path: path, publicKeyPEM: key.publicKey.pem()).keyID == key.keyID)
            }
            let json = try String(contentsOfFile: "\(stem).json", encoding: .utf8)
            #expect(json.contains(#""period_start" : "2026-03-01T00:00:00Z""#))
            #expect(json.contains(#""period_end" : "2026-04-01T00:00:00Z""#))
            #expect(try await task.writeDue(now: now.addingTimeInterval(3600)).isEmpty)
        }
    }

    @Test("report periods")
    func periods() {
        let now = try! #require(ComplianceDates.parse("2026-11-21T22:14:14Z"))
        let month = ReportPeriod.monthly.lastComplete(before: now)
        #expect(ComplianceDates.iso8601(month.start) == "2026-10-01T00:00:00Z")
        #expect(ComplianceDates.iso8601(month.end) == "2026-11-01T00:00:00Z")
        #expect(ReportPeriod.monthly.label(start: month.start) == "2026-10")
        let week = ReportPeriod.weekly.lastComplete(before: now)
        #expect(ComplianceDates.iso8601(week.start) == "2026-11-09T00:00:00Z")  // a Monday
        #expect(ComplianceDates.iso8601(week.end) == "2026-11-16T00:00:00Z")
        let day = ReportPeriod.daily.lastComplete(before: now)
        #expect(ComplianceDates.iso8601(day.start) == "2026-11-20T00:00:00Z")
    }
}
