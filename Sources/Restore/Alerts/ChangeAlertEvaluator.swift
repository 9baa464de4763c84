public import Foundation
public import Logging
import Postgres
public import Queue
public import Vault

/// After a backup commits: compares the snapshot with the tenant's previous one, and for each
/// watch rule with matching changes stores an alert and enqueues a `webhook` job carrying it
/// (in one transaction; one alert per rule and snapshot, so re-evaluating does not alert twice).
///
/// The changes are directory content: the alert's payload and the webhook job's are sealed with
/// the tenant's keys (`change_alerts.sealed_payload`, the job's `sealed_payload`), opened only by
/// the worker that delivers the webhook.
public struct ChangeAlertEvaluator: Sendable {
    let vault: Vault
    let rules: WatchRuleStore
    let enqueueChecks: EnqueueChecks
    let logger: Logger

    public init(vault: Vault, enqueueChecks: EnqueueChecks, logger: Logger) {
        self.vault = vault
        self.rules = WatchRuleStore(client: vault.client)
        self.enqueueChecks = enqueueChecks
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
            let text = Array(try PostgresJSON(encoding: payload).text.utf8)
            let sealed = try await RecordSealer(keyProvider: self.vault.keyProvider).seal(
                [(text, Self.alertContext(ruleID: rule.id, snapshotID: snapshot.id)), (text, Self.webhookContext)],
                tenantID: snapshot.tenantID, logger: logger)
            let arguments = WebhookArguments(event: "change_alert", tenantID: snapshot.tenantID.uuidString.lowercased(),
                                             sealedPayload: Data(sealed[1]).base64EncodedString())
            let alert = try await self.vault.client.withTransaction(logger: logger) { connection -> Alert? in
                guard let row = try await connection.query("""
                    INSERT INTO change_alerts (rule_id, tenant_id, snapshot_id, sealed_payload)
                    VALUES (\(rule.id), \(snapshot.tenantID), \(snapshot.id), \(PostgresBytes(sealed[0])))
                    ON CONFLICT (rule_id, snapshot_id) DO NOTHING RETURNING id
                    """).first else { return nil }
                let id = try row.decode(Int64.self, "id")
                let job = try await JobEnqueuer(client: self.vault.client, logger: logger, checks: self.enqueueChecks).enqueue([EnqueueRequest(
                    kind: JobKind("webhook"), tenantID: snapshot.tenantID,
                    arguments: try PostgresJSON(encoding: arguments).text, priority: QueuePriority.notification, maxAttempts: 10)],
                    on: connection)[0].job
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

    /// What seals an alert's stored payload: the rule and snapshot it belongs to.
    public static func alertContext(ruleID: UUID, snapshotID: Int64) -> String {
        "change-alert:\(ruleID.uuidString.lowercased()):\(snapshotID)"
    }

    /// What seals a webhook job's payload (the `webhook` handler opens it with the same).
    public static let webhookContext = "webhook-payload"

    /// The `webhook` job's arguments: `{"event":"change_alert","tenant_id":…,"sealed_payload":"<base64>"}`.
    struct WebhookArguments: Encodable {
        var event: String
        var tenantID: String
        var sealedPayload: String

        enum CodingKeys: String, CodingKey {
            case event
            case tenantID = "tenant_id"
            case sealedPayload = "sealed_payload"
        }
    }
}
