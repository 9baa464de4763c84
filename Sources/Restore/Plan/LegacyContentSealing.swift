public import Foundation
public import Logging
public import Postgres
public import Vault

/// Seals what restore steps and change alerts written before migration 0024 still hold in clear
/// (`restore_steps.after_json`, `before_json`, `natural_key`; `change_alerts.payload`), as new rows
/// are sealed, and clears those columns. Resumable: each batch commits alone, and a row already
/// sealed (by another run) is left as it is.
public struct LegacyContentSealing: Sendable {
    public struct Outcome: Sendable, Equatable {
        public var restoreSteps: Int
        public var changeAlerts: Int

        public init(restoreSteps: Int = 0, changeAlerts: Int = 0) {
            self.restoreSteps = restoreSteps
            self.changeAlerts = changeAlerts
        }
    }

    let client: PostgresClient
    let sealer: RecordSealer
    let batchSize: Int
    let logger: Logger

    public init(vault: Vault, batchSize: Int = 500, logger: Logger) {
        self.client = vault.client
        self.sealer = RecordSealer(keyProvider: vault.keyProvider)
        self.batchSize = max(1, batchSize)
        self.logger = logger
    }

    /// Rows still in clear, without sealing anything.
    public func pending() async throws -> Outcome {
        let row = try await self.client.query("""
            SELECT (SELECT count(*) FROM restore_steps WHERE sealed IS NULL)::int AS steps,
                   (SELECT count(*) FROM change_alerts WHERE sealed_payload IS NULL)::int AS alerts
            """, logger: self.logger).first
        return Outcome(restoreSteps: try row?.decode(Int.self, "steps") ?? 0, changeAlerts: try row?.decode(Int.self, "alerts") ?? 0)
    }

    public func run() async throws -> Outcome {
        var outcome = Outcome()
        while case let sealed = try await self.sealStepBatch(), sealed > 0 { outcome.restoreSteps += sealed }
        while case let sealed = try await self.sealAlertBatch(), sealed > 0 { outcome.changeAlerts += sealed }
        self.logger.notice("legacy directory content sealed", metadata: [
            "restore.steps": "\(outcome.restoreSteps)", "alerts": "\(outcome.changeAlerts)",
        ])
        return outcome
    }

    private func sealStepBatch() async throws -> Int {
        let rows = try await self.client.query("""
            SELECT s.plan_id, s.seq, s.after_json::text AS after, s.before_json::text AS before,
                   s.natural_key::text AS natural_key, p.target_tenant_id
            FROM restore_steps s JOIN restore_plans p ON p.id = s.plan_id
            WHERE s.sealed IS NULL ORDER BY s.plan_id, s.seq LIMIT \(self.batchSize)
            """, logger: self.logger)
        guard !rows.isEmpty else { return 0 }
        let decoder = JSONDecoder(), encoder = JSONEncoder()
        var byTenant: [UUID: [(planID: UUID, seq: Int, plaintext: [UInt8])]] = [:]
        for row in rows {
            let planID = try row.decode(UUID.self, "plan_id"), seq = try row.decode(Int.self, "seq")
            let content = RestoreStore.SealedStepContent(
                after: try row.decode(String?.self, "after"), before: try row.decode(String?.self, "before"),
                naturalKey: try row.decode(String?.self, "natural_key").map { try decoder.decode([String: String].self, from: Data($0.utf8)) })
            byTenant[try row.decode(UUID.self, "target_tenant_id"), default: []].append((planID, seq, Array(try encoder.encode(content))))
        }
        var count = 0
        for (tenantID, steps) in byTenant {
            let sealed = try await self.sealer.seal(steps.map { ($0.plaintext, RestoreStore.stepContext(planID: $0.planID, seq: $0.seq)) },
                                                    tenantID: tenantID, logger: self.logger)
            try await self.client.withTransaction(logger: self.logger) { connection in
                for (step, record) in zip(steps, sealed) {
                    try await connection.query("""
                        UPDATE restore_steps SET sealed = \(PostgresBytes(record)), after_json = NULL, before_json = NULL, natural_key = NULL
                        WHERE plan_id = \(step.planID) AND seq = \(step.seq) AND sealed IS NULL
                        """)
                }
            }
            count += steps.count
        }
        return count
    }

    private func sealAlertBatch() async throws -> Int {
        let rows = try await self.client.query("""
            SELECT id, rule_id, tenant_id, snapshot_id, payload::text AS payload FROM change_alerts
            WHERE sealed_payload IS NULL ORDER BY id LIMIT \(self.batchSize)
            """, logger: self.logger)
        guard !rows.isEmpty else { return 0 }
        var byTenant: [UUID: [(id: Int64, context: String, plaintext: [UInt8])]] = [:]
        for row in rows {
            let context = ChangeAlertEvaluator.alertContext(ruleID: try row.decode(UUID.self, "rule_id"),
                                                            snapshotID: try row.decode(Int64.self, "snapshot_id"))
            byTenant[try row.decode(UUID.self, "tenant_id"), default: []]
                .append((try row.decode(Int64.self, "id"), context, Array(try row.decode(String.self, "payload").utf8)))
        }
        var count = 0
        for (tenantID, alerts) in byTenant {
            let sealed = try await self.sealer.seal(alerts.map { ($0.plaintext, $0.context) }, tenantID: tenantID, logger: self.logger)
            try await self.client.withTransaction(logger: self.logger) { connection in
                for (alert, record) in zip(alerts, sealed) {
                    try await connection.query("""
                        UPDATE change_alerts SET sealed_payload = \(PostgresBytes(record)), payload = NULL
                        WHERE id = \(alert.id) AND sealed_payload IS NULL
                        """)
                }
            }
            count += alerts.count
        }
        return count
    }
}
