public import Foundation
public import Logging
public import Postgres

/// Builds compliance reports from what PostgreSQL recorded (docs/reports.md).
///
/// Counts come from `snapshot_commits` (every commit, kept after retention deletes a snapshot) and
/// the queue's job history (kept for the coordinator's
/// `--retention-days`: keep it at least as long as the report period).
public struct ComplianceReportBuilder: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    public let generator: String

    public init(client: PostgresClient, generator: String = "holdfast", logger: Logger) {
        self.client = client
        self.generator = generator
        self.logger = logger
    }

    /// What a report covers.
    public enum Subject: Sendable, Hashable {
        case partner(UUID)
        case tenant(UUID)
    }

    /// The report for `subject` over [from, to), as of `now`. `signingKeyID` is written into the
    /// report, so the signed bytes name the key that signs them. With `visibleToPartner` (a
    /// partner's API key, invariant 6), another partner or its tenant is reported as not found.
    public func build(subject: Subject, from: Date, to: Date, now: Date = Date(), signingKeyID: String? = nil,
                      visibleToPartner: UUID? = nil) async throws -> ComplianceReport {
        guard to > from else {
            throw ComplianceError(.invalidPeriod, "the report period must end after it starts (from \(ComplianceDates.iso8601(from)) to \(ComplianceDates.iso8601(to)))")
        }
        return try await client.withConnection { connection in
            // One snapshot of the database for the whole report.
            try await connection.withTransaction(isolation: .repeatableRead) { connection in
                let scope: ComplianceReport.Scope
                let tenantIDs: [UUID]
                switch subject {
                case .partner(let partnerID):
                    guard visibleToPartner == nil || visibleToPartner == partnerID,
                        let row = try await connection.query("SELECT name FROM partners WHERE id = \(partnerID)").first
                    else {
                        throw ComplianceError(.partnerNotFound, "no partner has id \(partnerID.uuidString.lowercased())")
                    }
                    scope = .init(kind: "partner", id: partnerID.uuidString.lowercased(), name: try row.decode(String.self, at: 0))
                    tenantIDs = try await connection.query("""
                        SELECT id FROM tenants WHERE partner_id = \(partnerID) AND created_at < \(to) AND status <> 'onboarding'
                        ORDER BY display_name, id
                        """).rows.map { try $0.decode(UUID.self, at: 0) }
                case .tenant(let tenantID):
                    guard let row = try await connection.query("""
                        SELECT display_name FROM tenants
                        WHERE id = \(tenantID) AND (\(visibleToPartner)::uuid IS NULL OR partner_id = \(visibleToPartner))
                        """).first else {
                        throw ComplianceError(.tenantNotFound, "no tenant has id \(tenantID.uuidString.lowercased())")
                    }
                    scope = .init(kind: "tenant", id: tenantID.uuidString.lowercased(), name: try row.decode(String.self, at: 0))
                    tenantIDs = [tenantID]
                }
                var sections: [ComplianceReport.TenantSection] = []
                for tenantID in tenantIDs {
                    sections.append(try await Self.section(tenantID: tenantID, from: from, to: to, now: now, on: connection))
                }
                logger.debug("compliance report built", metadata: [
                    "report.scope": "\(scope.kind):\(scope.id)", "report.tenants": "\(sections.count)",
                ])
                return ComplianceReport(
                    reportID: UUID().uuidString.lowercased(), generatedAt: now, generator: generator, periodStart: from, periodEnd: to,
                    scope: scope, signingKeyID: signingKeyID, tenants: sections)
            }
        }
    }

    static func section(tenantID: UUID, from: Date, to: Date, now: Date, on connection: PostgresConnection) async throws -> ComplianceReport.TenantSection {
        let end = min(to, now)
        guard let tenant = try await connection.query("""
            SELECT t.display_name, t.entra_tenant_id, t.status, t.created_at, t.legal_hold, t.legal_hold_reason, pa.name AS partner_name,
                   COALESCE(p.name, d.name, 'standard') AS policy_name,
                   EXTRACT(EPOCH FROM COALESCE(p.rpo_target, d.rpo_target, interval '26 hours'))::float8 AS rpo,
                   EXTRACT(EPOCH FROM COALESCE(p.backup_interval, d.backup_interval, t.backup_interval))::float8 AS backup_interval,
                   EXTRACT(EPOCH FROM COALESCE(p.validation_interval, d.validation_interval, t.validation_interval))::float8 AS validation_interval,
                   COALESCE(p.keep_last, d.keep_last, 7) AS keep_last, COALESCE(p.keep_daily, d.keep_daily, 30) AS keep_daily,
                   COALESCE(p.keep_weekly, d.keep_weekly, 12) AS keep_weekly, COALESCE(p.keep_monthly, d.keep_monthly, 12) AS keep_monthly,
                   COALESCE(p.keep_yearly, d.keep_yearly, 7) AS keep_yearly,
                   EXTRACT(EPOCH FROM COALESCE(p.immutability_window, d.immutability_window, interval '0'))::float8 AS immutability
            FROM tenants t
            LEFT JOIN partners pa ON pa.id = t.partner_id
            LEFT JOIN policies p ON p.id = t.policy_id
            LEFT JOIN policies d ON d.name = 'standard'
            WHERE t.id = \(tenantID)
            """).first else {
            throw ComplianceError(.tenantNotFound, "no tenant has id \(tenantID.uuidString.lowercased())")
        }
        let protectedSince = try tenant.decode(Date.self, "created_at")
        let policy = ComplianceReport.Policy(
            name: try tenant.decode(String.self, "policy_name"), rpoTargetSeconds: try tenant.decode(Double.self, "rpo"),
            backupIntervalSeconds: try tenant.decode(Double.self, "backup_interval"),
            validationIntervalSeconds: try tenant.decode(Double.self, "validation_interval"),
            keepLast: try tenant.decode(Int.self, "keep_last"), keepDaily: try tenant.decode(Int.self, "keep_daily"),
            keepWeekly: try tenant.decode(Int.self, "keep_weekly"), keepMonthly: try tenant.decode(Int.self, "keep_monthly"),
            keepYearly: try tenant.decode(Int.self, "keep_yearly"), immutabilityWindowSeconds: try tenant.decode(Double.self, "immutability"))

        // Backups: jobs created and failed from the job history; successes from the snapshots.
        let counts = try await connection.query("""
            SELECT
              (SELECT count(*) FROM (SELECT job_id FROM job_events WHERE tenant_id = \(tenantID) AND kind = 'backup'
                                     GROUP BY job_id HAVING min(at) >= \(from) AND min(at) < \(end)) created) AS scheduled,
              (SELECT count(*) FROM snapshot_commits WHERE tenant_id = \(tenantID) AND status = 'complete'
                                                     AND committed_at >= \(from) AND committed_at < \(end)) AS succeeded,
              (SELECT count(*) FROM snapshot_commits WHERE tenant_id = \(tenantID) AND status = 'partial'
                                                     AND committed_at >= \(from) AND committed_at < \(end)) AS partial,
              (SELECT count(*) FROM job_events WHERE tenant_id = \(tenantID) AND kind = 'backup' AND state = 'discarded'
                                               AND at >= \(from) AND at < \(end)) AS failed,
              (SELECT count(*) FROM job_events WHERE tenant_id = \(tenantID) AND kind = 'backup' AND state IN ('retryable', 'discarded')
                                               AND at >= \(from) AND at < \(end)) AS failed_attempts
            """).first
        let backups = ComplianceReport.Backups(
            scheduled: try counts?.decode(Int.self, "scheduled") ?? 0, succeeded: try counts?.decode(Int.self, "succeeded") ?? 0,
            partial: try counts?.decode(Int.self, "partial") ?? 0, failed: try counts?.decode(Int.self, "failed") ?? 0,
            failedAttempts: try counts?.decode(Int.self, "failed_attempts") ?? 0)

        // RPO: the newest commit before the period and every commit in it, including snapshots
        // retention has deleted since.
        let commits = try await connection.query("""
            (SELECT committed_at FROM snapshot_commits WHERE tenant_id = \(tenantID) AND committed_at < \(from) ORDER BY committed_at DESC LIMIT 1)
            UNION ALL
            (SELECT committed_at FROM snapshot_commits WHERE tenant_id = \(tenantID) AND committed_at >= \(from) AND committed_at < \(end))
            """).rows.map { try $0.decode(Date.self, at: 0) }
        let rpo = RPOTimeline(rpoTarget: policy.rpoTargetSeconds, protectedSince: protectedSince, commits: commits)
            .adherence(from: from, to: to, now: now)

        let changes = try await connection.query("""
            (SELECT id, tenant_id, from_state, to_state, reasons, at FROM sla_state_changes
             WHERE tenant_id = \(tenantID) AND at <= \(from) ORDER BY at DESC, id DESC LIMIT 1)
            UNION ALL
            (SELECT id, tenant_id, from_state, to_state, reasons, at FROM sla_state_changes
             WHERE tenant_id = \(tenantID) AND at > \(from) AND at < \(end))
            """).rows.map(SLAEvaluator.transition(from:))
        let slaHistory = SLAStateTimeline(changes: changes).durations(from: from, to: to, now: now)

        let points = try await connection.query("""
            SELECT count(*) AS count, min(committed_at) AS oldest, max(committed_at) AS newest
            FROM snapshots WHERE tenant_id = \(tenantID) AND committed_at < \(end)
            """).first
        let restorePoints = ComplianceReport.RestorePoints(
            count: try points?.decode(Int.self, "count") ?? 0, oldest: try points?.decode(Date?.self, "oldest"),
            newest: try points?.decode(Date?.self, "newest"), retention: policy.retentionSummary)

        let runs = try await connection.query("""
            SELECT snapshot_id, started_at, finished_at, passed, restore_seconds,
                   COALESCE((SELECT jsonb_agg(c->>'name') FROM jsonb_array_elements(CASE WHEN jsonb_typeof(checks) = 'array' THEN checks ELSE '[]'::jsonb END) c
                             WHERE (c->>'passed')::boolean IS FALSE), '[]'::jsonb) AS failed_checks
            FROM validations WHERE tenant_id = \(tenantID) AND started_at >= \(from) AND started_at < \(end)
            ORDER BY started_at, id
            """).rows.map { row in
            ComplianceReport.ValidationRun(
                snapshotID: try row.decode(Int64?.self, "snapshot_id"), startedAt: try row.decode(Date.self, "started_at"),
                finishedAt: try row.decode(Date?.self, "finished_at"), passed: try row.decode(Bool.self, "passed"),
                restoreSeconds: try row.decode(Double?.self, "restore_seconds"),
                failedChecks: (try? JSONDecoder().decode([String?].self, from: Data(try row.decode(String.self, "failed_checks").utf8)))?
                    .compactMap { $0 } ?? [])
        }

        let dataKeys = try await connection.query("""
            SELECT data_key_id, master_key_id, created_at, rotated_at FROM tenant_data_keys
            WHERE tenant_id = \(tenantID) ORDER BY created_at, data_key_id
            """).rows.map { row in
            ComplianceReport.DataKey(
                dataKeyID: try row.decode(String.self, "data_key_id"), masterKeyID: try row.decode(String.self, "master_key_id"),
                createdAt: try row.decode(Date.self, "created_at"), rotatedAt: try row.decode(Date?.self, "rotated_at"))
        }

        let credentials = try await connection.query("""
            SELECT client_id, app_kind, kind, expires_at FROM tenant_credentials
            WHERE tenant_id = \(tenantID) AND replaced_at IS NULL ORDER BY expires_at NULLS LAST, client_id
            """).rows.map { row in
            ComplianceReport.Credential(
                clientID: try row.decode(UUID.self, "client_id").uuidString.lowercased(), appKind: try row.decode(String.self, "app_kind"),
                kind: try row.decode(String.self, "kind"), expiresAt: try row.decode(Date?.self, "expires_at"))
        }

        return ComplianceReport.TenantSection(
            tenantID: tenantID.uuidString.lowercased(), tenantName: try tenant.decode(String.self, "display_name"),
            entraTenantID: try tenant.decode(UUID?.self, "entra_tenant_id")?.uuidString.lowercased(),
            partnerName: try tenant.decode(String?.self, "partner_name"), status: try tenant.decode(String.self, "status"),
            protectedSince: protectedSince, policy: policy, backups: backups, rpo: rpo, slaHistory: slaHistory,
            restorePoints: restorePoints,
            immutability: .init(windowSeconds: policy.immutabilityWindowSeconds, legalHold: try tenant.decode(Bool.self, "legal_hold"),
                                legalHoldReason: try tenant.decode(String?.self, "legal_hold_reason")),
            validations: .init(run: runs.count, passed: runs.filter(\.passed).count, runs: runs),
            encryption: .init(algorithm: "AES-256-GCM", dataKeys: dataKeys),
            credentials: credentials)
    }
}
