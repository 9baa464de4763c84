import Foundation
public import Logging
import Postgres
import Queue
public import Vault

/// After a backup commits: compares the snapshot with the tenant's previous one, and for each
/// watch rule with matching changes stores an alert and enqueues a `webhook` job carrying it
/// (in one transaction; one alert per rule and snapshot, so re-evaluating does not alert twice).
public struct ChangeAlertEvaluator: Sendable {
    let vault: Vault
    let rules: WatchRuleStore
    let logger: Logger

    public init(vault: Vault, logger: Logger) {
        self.vault = vault
        self.rules = WatchRuleStore(client: vault.client)
        self.logger = logger
    }

    /// One raised alert.
    public struct Alert: Sendable {
        public var id: Int64
        public var ruleName: String
        public var webhookJobID: Int64?
        public var changes: [ObjectChange]
    }

    /// Evaluates the rules for `snapshot` against the tenant's previous snapshot. `logger`: the
    /// caller's (the backup job's); this evaluator's own when nil.
    @discardableResult
    public func evaluate(snapshot: SnapshotSummary, logger: Logger? = nil) async throws -> [Alert] {
        let logger = logger ?? self.logger
        let rules = try await self.rules.rules(tenantID: snapshot.tenantID, logger: logger)
        guard !rules.isEmpty else { return [] }
        guard let previous = try await self.vault.client.query("""
            SELECT max(id) AS id FROM snapshots WHERE tenant_id = \(snapshot.tenantID) AND id < \(snapshot.id)
            """, logger: logger).first.flatMap({ try? $0.decode(Int64?.self, "id") }) else { return [] }
        let changes = try await ChangeDiffer(vault: self.vault, logger: logger)
            .diff(tenantID: snapshot.tenantID, from: previous, to: snapshot.id).changes
        var alerts: [Alert] = []
        for rule in rules {
            let matched = rule.matches(changes)
            guard !matched.isEmpty else { continue }
            let payload = AlertPayload(rule: rule.name, kind: rule.kind.rawValue, snapshotID: snapshot.id, previousSnapshotID: previous,
                                       changes: matched)
            let arguments = WebhookArguments(event: "change_alert", tenantID: snapshot.tenantID.uuidString.lowercased(), payload: payload)
            let alert = try await self.vault.client.withTransaction(logger: logger) { connection -> Alert? in
                guard let row = try await connection.query("""
                    INSERT INTO change_alerts (rule_id, tenant_id, snapshot_id, payload)
                    VALUES (\(rule.id), \(snapshot.tenantID), \(snapshot.id), \(try PostgresJSON(encoding: payload))::jsonb)
                    ON CONFLICT (rule_id, snapshot_id) DO NOTHING RETURNING id
                    """).first else { return nil }
                let id = try row.decode(Int64.self, "id")
                let job = try await JobEnqueuer(client: self.vault.client, logger: logger).enqueue([EnqueueRequest(
                    kind: JobKind("webhook"), tenantID: snapshot.tenantID,
                    arguments: try PostgresJSON(encoding: arguments).text, maxAttempts: 10)], on: connection)[0].job
                try await connection.query("UPDATE change_alerts SET webhook_job_id = \(job.id) WHERE id = \(id)")
                return Alert(id: id, ruleName: rule.name, webhookJobID: job.id, changes: matched)
            }
            if let alert {
                logger.notice("change alert raised", metadata: [
                    "tenant.id": "\(snapshot.tenantID.uuidString.lowercased())", "snapshot.id": "\(snapshot.id)", "alert.rule": "\(rule.name)",
                    "alert.changes": "\(matched.count)",
                ])
                alerts.append(alert)
            }
        }
        return alerts
    }

    struct AlertPayload: Encodable {
        var rule: String
        var kind: String
        var snapshotID: Int64
        var previousSnapshotID: Int64
        var changes: [ObjectChange]
    }

    /// The `webhook` job's arguments: `{"event":"change_alert","tenant_id":…,"payload":{…}}`.
    struct WebhookArguments: Encodable {
        var event: String
        var tenantID: String
        var payload: AlertPayload

        enum CodingKeys: String, CodingKey {
            case event
            case tenantID = "tenant_id"
            case payload
        }
    }
}
