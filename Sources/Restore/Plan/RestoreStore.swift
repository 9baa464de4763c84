import Audit
public import Foundation
public import Postgres
public import Logging
public import Queue
public import Vault

/// Plans, steps and the id map in PostgreSQL (`migrations/0008_restore.sql`).
///
/// A step's objects (as backed up and as they were live) and its natural key are directory
/// content: they are sealed with the target tenant's keys (`restore_steps.sealed`, migration 0024),
/// bound to the plan and step, so a database dump shows ids and statuses but no names or attributes.
public struct RestoreStore: Sendable {
    public let client: PostgresClient
    let sealer: RecordSealer

    public init(client: PostgresClient, keyProvider: any VaultKeyProvider) {
        self.client = client
        self.sealer = RecordSealer(keyProvider: keyProvider)
    }

    /// Over the vault's database and keys.
    public init(vault: Vault) {
        self.init(client: vault.client, keyProvider: vault.keyProvider)
    }

    /// What a step seals: its objects and natural key, as canonical JSON text.
    struct SealedStepContent: Codable {
        var after: String?
        var before: String?
        var naturalKey: [String: String]?
    }

    static func stepContext(planID: UUID, seq: Int) -> String { "restore-step:\(planID.uuidString.lowercased()):\(seq)" }

    /// Stores a new plan and its steps in one transaction, with its initial id map (objects the
    /// target already holds under other ids), and audits it.
    func insert(_ plan: RestorePlan, initialMap: IDMap, logger: Logger? = nil) async throws {
        let encoder = JSONEncoder()
        let sealed = try await self.sealer.seal(try plan.steps.map { step in
            let content = SealedStepContent(after: step.after.map(Self.text), before: step.before.map(Self.text), naturalKey: step.naturalKey)
            return (Array(try encoder.encode(content)), Self.stepContext(planID: plan.id, seq: step.seq))
        }, tenantID: plan.targetTenantID, logger: logger ?? Logger(label: "holdfast.restore"))
        try await self.client.withTransaction(logger: logger) { connection in
            try await connection.query("""
                INSERT INTO restore_plans (id, source_tenant_id, target_tenant_id, snapshot_id, scope, destructive_count,
                    blast_radius_limit, lockout_findings, operator_actions, domain_rewrites, created_by, expires_at)
                VALUES (\(plan.id), \(plan.sourceTenantID), \(plan.targetTenantID), \(plan.snapshotID),
                    \(try PostgresJSON(encoding: plan.scope))::jsonb, \(plan.destructiveCount), \(plan.blastRadiusLimit),
                    \(try PostgresJSON(encoding: plan.lockoutFindings))::jsonb, \(try PostgresJSON(encoding: plan.operatorActions))::jsonb,
                    \(try PostgresJSON(encoding: plan.domainRewrites))::jsonb, \(plan.createdBy), \(plan.expiresAt))
                """)
            for chunk in stride(from: 0, to: plan.steps.count, by: 500) {
                let range = chunk..<min(chunk + 500, plan.steps.count)
                let rows = range.map { index in
                    let step = plan.steps[index]
                    return StepRow(seq: step.seq, phase: step.phase.rawValue, action: step.action.rawValue, type: step.type,
                                   sourceKey: step.sourceKey, sealed: Data(sealed[index]).base64EncodedString(), preexisting: step.preexisting)
                }
                try await connection.query("""
                    INSERT INTO restore_steps (plan_id, seq, phase, action, type, source_key, sealed, preexisting)
                    SELECT \(plan.id), r.seq, r.phase, r.action, r.type, r."sourceKey", decode(r.sealed, 'base64'),
                           ARRAY(SELECT jsonb_array_elements_text(r.preexisting))
                    FROM jsonb_to_recordset(\(try PostgresJSON(encoding: rows))::jsonb)
                      AS r(seq int, phase int, action text, type text, "sourceKey" text, sealed text, preexisting jsonb)
                    """)
            }
            for (kind, entries) in [("id", initialMap.ids), ("appId", initialMap.appIDs)] where !entries.isEmpty {
                try await connection.query("""
                    INSERT INTO restore_id_map (plan_id, kind, source_id, target_id)
                    SELECT \(plan.id), \(kind), key, value FROM jsonb_each_text(\(try PostgresJSON(encoding: entries))::jsonb)
                    """)
            }
            try await AuditLog.record(actor: plan.createdBy, action: "restore.plan", tenantID: plan.targetTenantID, details: [
                "plan.id": plan.id.uuidString.lowercased(), "source.tenant_id": plan.sourceTenantID.uuidString.lowercased(),
                "snapshot.id": "\(plan.snapshotID)", "steps": "\(plan.steps.count)", "destructive": "\(plan.destructiveCount)",
                "lockout_findings": "\(plan.lockoutFindings.count)",
            ], on: connection)
        }
    }

    struct StepRow: Encodable {
        var seq: Int
        var phase: Int
        var action: String
        var type: String
        var sourceKey: String
        var sealed: String
        var preexisting: [String]
    }

    static func text(_ json: CanonicalJSON) -> String { String(decoding: json.canonicalBytes(), as: UTF8.self) }

    /// Which steps' objects ``plan(id:logger:content:)`` opens. Each is sealed (AES-GCM and zstd per
    /// step), so a caller that needs only statuses or one page does not pay for the whole plan.
    public enum StepContent: Sendable, Equatable {
        /// Every step's objects and natural key.
        case all
        /// None: steps carry their phase, action, type, key, status and outcome; `after`, `before`
        /// and `naturalKey` are nil.
        case none
        /// The `count` steps after the first `offset` (in order); the others as in `.none`.
        case window(offset: Int, count: Int)
    }

    /// A plan with its steps, opening the objects `content` names.
    public func plan(id: UUID, logger: Logger? = nil, content: StepContent = .all) async throws -> RestorePlan {
        guard let row = try await self.client.query("""
            SELECT id, source_tenant_id, target_tenant_id, snapshot_id, scope::text AS scope, status, destructive_count,
                   blast_radius_limit, lockout_findings::text AS lockout, operator_actions::text AS actions,
                   domain_rewrites::text AS rewrites, created_by, created_at, expires_at, applied_at, error, job_id
            FROM restore_plans WHERE id = \(id)
            """).first else {
            throw RestoreError(.notFound, "no restore plan has id \(id.uuidString.lowercased())")
        }
        let decoder = JSONDecoder()
        func json<T: Decodable>(_ column: String, _ type: T.Type) throws -> T {
            try decoder.decode(T.self, from: Data(try row.decode(String.self, column).utf8))
        }
        let targetTenantID = try row.decode(UUID.self, "target_tenant_id")
        // Rows numbered from 1 in `seq` order; content only for numbers in (first, last].
        let (first, last): (Int64, Int64) = switch content {
        case .all: (0, Int64.max)
        case .none: (0, 0)
        case .window(let offset, let count): (Int64(max(offset, 0)), Int64(max(offset, 0)) + Int64(max(count, 0)))
        }
        let stepRows = try await self.client.query("""
            SELECT seq, phase, action, type, source_key, preexisting, status, target_id, detail,
                   CASE WHEN n > \(first) AND n <= \(last) THEN sealed END AS sealed,
                   CASE WHEN n > \(first) AND n <= \(last) THEN after_json::text END AS after,
                   CASE WHEN n > \(first) AND n <= \(last) THEN before_json::text END AS before,
                   CASE WHEN n > \(first) AND n <= \(last) THEN natural_key::text END AS natural_key
            FROM (SELECT *, row_number() OVER (ORDER BY seq) AS n FROM restore_steps WHERE plan_id = \(id)) AS numbered
            ORDER BY seq
            """, logger: logger)
        // Steps planned before migration 0024 kept their content in clear columns; they are read as they are.
        var sealedContent: [(index: Int, sealed: [UInt8], context: String)] = []
        for (index, step) in stepRows.enumerated() {
            if let sealed = try step.decode(PostgresBytes?.self, "sealed") {
                sealedContent.append((index, sealed.bytes, Self.stepContext(planID: id, seq: try step.decode(Int.self, "seq"))))
            }
        }
        let opened = try await self.sealer.open(sealedContent.map { ($0.sealed, $0.context) }, tenantID: targetTenantID,
                                                logger: logger ?? Logger(label: "holdfast.restore"))
        var contents: [Int: SealedStepContent] = [:]
        for (entry, plaintext) in zip(sealedContent, opened) {
            contents[entry.index] = try decoder.decode(SealedStepContent.self, from: Data(plaintext))
        }
        let steps = try stepRows.enumerated().map { index, step in
            let content = try contents[index] ?? SealedStepContent(
                after: step.decode(String?.self, "after"), before: step.decode(String?.self, "before"),
                naturalKey: step.decode(String?.self, "natural_key").map { try decoder.decode([String: String].self, from: Data($0.utf8)) })
            return RestoreStep(
                seq: try step.decode(Int.self, "seq"),
                phase: RestorableTypes.Phase(rawValue: try step.decode(Int.self, "phase")) ?? .patches,
                action: RestoreStep.Action(rawValue: try step.decode(String.self, "action")) ?? .patch,
                type: try step.decode(String.self, "type"), sourceKey: try step.decode(String.self, "source_key"),
                after: try content.after.map { try CanonicalJSON.parse(Array($0.utf8)) },
                before: try content.before.map { try CanonicalJSON.parse(Array($0.utf8)) },
                naturalKey: content.naturalKey,
                preexisting: try step.decode([String].self, "preexisting"),
                status: RestoreStep.Status(rawValue: try step.decode(String.self, "status")) ?? .pending,
                targetID: try step.decode(String?.self, "target_id"), detail: try step.decode(String?.self, "detail"))
        }
        return RestorePlan(
            id: try row.decode(UUID.self, "id"), sourceTenantID: try row.decode(UUID.self, "source_tenant_id"),
            targetTenantID: targetTenantID, snapshotID: try row.decode(Int64.self, "snapshot_id"),
            scope: try json("scope", RestoreScope.self),
            status: RestorePlan.Status(rawValue: try row.decode(String.self, "status")) ?? .failed,
            destructiveCount: try row.decode(Int.self, "destructive_count"), blastRadiusLimit: try row.decode(Int.self, "blast_radius_limit"),
            lockoutFindings: try json("lockout", [LockoutFinding].self), operatorActions: try json("actions", [OperatorAction].self),
            domainRewrites: try json("rewrites", [String: String].self), createdBy: try row.decode(String.self, "created_by"),
            createdAt: try row.decode(Date.self, "created_at"), expiresAt: try row.decode(Date.self, "expires_at"), appliedAt: try row.decode(Date?.self, "applied_at"),
            error: try row.decode(String?.self, "error"), steps: steps, jobID: try row.decode(Int64?.self, "job_id"))
    }

    /// `plan` with its state and its steps' outcomes as they are now, keeping the objects already
    /// opened: a step's objects never change after planning, so they are not read or opened again.
    public func refreshed(_ plan: RestorePlan, logger: Logger? = nil) async throws -> RestorePlan {
        var now = try await self.plan(id: plan.id, logger: logger, content: .none)
        let opened = Dictionary(plan.steps.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
        now.steps = now.steps.map { step in
            guard let known = opened[step.seq] else { return step }
            var step = step
            step.after = known.after
            step.before = known.before
            step.naturalKey = known.naturalKey
            return step
        }
        return now
    }

    /// Plans of a target tenant, newest first (without steps).
    public func plans(targetTenantID: UUID, limit: Int = 20) async throws -> [(id: UUID, status: String, createdAt: Date)] {
        try await self.client.query("""
            SELECT id, status, created_at FROM restore_plans WHERE target_tenant_id = \(targetTenantID)
            ORDER BY created_at DESC LIMIT \(limit)
            """).map { (try $0.decode(UUID.self, "id"), try $0.decode(String.self, "status"), try $0.decode(Date.self, "created_at")) }
    }

    /// The id map recorded so far.
    public func idMap(planID: UUID) async throws -> IDMap {
        var map = IDMap()
        for row in try await self.client.query("SELECT kind, source_id, target_id FROM restore_id_map WHERE plan_id = \(planID)") {
            let source = try row.decode(String.self, "source_id")
            let target = try row.decode(String.self, "target_id")
            if try row.decode(String.self, "kind") == "appId" { map.appIDs[source] = target } else { map.ids[source] = target }
        }
        return map
    }

    /// Moves a plan to `applying` for this attempt, in one transaction that ends with the claim's
    /// check (so an attempt that lost its lease cannot take the plan back). Allowed from:
    /// `planned`, unless it expired; `failed` after an apply (to retry its failed steps), unless it
    /// expired; never from `failed` by a discard; `applying` only by a later attempt of the job
    /// that is applying it, or once that job has ended (a crashed foreground apply).
    func begin(planID: UUID, actor: String, claim: JobClaim?) async throws {
        let planText = planID.uuidString.lowercased()
        try await self.client.withTransaction { connection in
            guard let row = try await connection.query("""
                SELECT status, target_tenant_id, job_id, attempt_id, applied_at IS NOT NULL AS was_applied, expires_at <= now() AS expired
                FROM restore_plans WHERE id = \(planID) FOR UPDATE
                """).first else {
                throw RestoreError(.notFound, "no restore plan has id \(planText)")
            }
            let status = try row.decode(String.self, "status")
            let wasApplied = try row.decode(Bool.self, "was_applied")
            let applyingJob = try row.decode(Int64?.self, "job_id")
            let resumedBySameJob = status == "applying" && claim != nil && applyingJob == claim?.jobID
            let expired = try row.decode(Bool.self, "expired")
            if !resumedBySameJob && expired {
                throw RestoreError(.expired, "restore plan \(planText) has expired: it describes the tenant as it was when planned; plan again")
            }
            switch status {
            case "planned":
                break
            case "failed" where wasApplied:
                break
            case "failed":
                throw RestoreError(.invalidState, "restore plan \(planText) was discarded; plan again")
            case "applying" where resumedBySameJob:
                break
            case "applying":
                let attempt = try row.decode(UUID?.self, "attempt_id")
                let ended = try await JobAttempts().ended([(jobID: applyingJob ?? -1, attemptID: attempt)], on: connection)
                guard applyingJob != nil, !ended.isEmpty else {
                    throw RestoreError(.invalidState, "restore plan \(planText) is being applied\(applyingJob.map { " by job \($0)" } ?? ""); wait for it to finish")
                }
            default:
                throw RestoreError(.invalidState, "restore plan \(planText) is already applied")
            }
            try await connection.query("""
                UPDATE restore_plans SET status = 'applying', applied_at = coalesce(applied_at, now()), job_id = \(claim?.jobID),
                       attempt_id = \(claim?.attemptID), error = NULL
                WHERE id = \(planID)
                """)
            try await AuditLog.record(actor: actor, action: "restore.apply", tenantID: try row.decode(UUID.self, "target_tenant_id"),
                                      details: ["plan.id": planText, "job.id": claim.map { "\($0.jobID)" } ?? ""],
                                      on: connection)
            try await Self.requireClaim(claim, on: connection)
        }
    }

    /// Throws `.claimLost` unless `claim` (if any) still holds; it then stays locked until the
    /// transaction on `connection` ends. Called last in each transaction of an apply.
    static func requireClaim(_ claim: JobClaim?, on connection: PostgresConnection) async throws {
        guard let claim else { return }
        guard try await claim.lock(on: connection) else {
            throw RestoreError(.claimLost, "job \(claim.jobID) attempt \(claim.attempt) no longer holds its claim; it stops applying the plan")
        }
    }

    /// Discards a plan nobody will apply: it becomes `failed`, with who discarded it and why as its
    /// error, and stays as evidence; its snapshot is no longer held by it (migration 0015). Only a
    /// `planned` plan: one being applied finishes (or fails) first. Audited.
    public func discard(planID: UUID, reason: String, actor: String) async throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw RestoreError(.invalidRequest, "discarding a restore plan needs a reason: why it will not be applied (a ticket or change reference)")
        }
        let error = "discarded by \(actor): \(reason)"
        let planText = planID.uuidString.lowercased()
        try await self.client.withTransaction { connection in
            guard let row = try await connection.query("""
                UPDATE restore_plans SET status = 'failed', finished_at = now(), error = \(error)
                WHERE id = \(planID) AND status = 'planned' RETURNING target_tenant_id, snapshot_id
                """).first else {
                guard let current = try await connection.query("SELECT status FROM restore_plans WHERE id = \(planID)").first else {
                    throw RestoreError(.notFound, "no restore plan has id \(planText)")
                }
                let status = try current.decode(String.self, "status")
                throw RestoreError(.invalidState, status == "applying"
                    ? "restore plan \(planText) is being applied; let it finish (or fail) instead"
                    : "restore plan \(planText) is \(status) already; only a planned plan can be discarded")
            }
            try await AuditLog.record(actor: actor, action: "restore.discard", tenantID: try row.decode(UUID.self, "target_tenant_id"),
                                      details: ["plan.id": planText, "snapshot.id": "\(try row.decode(Int64.self, "snapshot_id"))",
                                                "reason": reason], on: connection)
        }
    }

    func finish(planID: UUID, failed: String?, claim: JobClaim?) async throws {
        try await self.client.withTransaction { connection in
            try await connection.query("""
                UPDATE restore_plans SET status = \(failed == nil ? "applied" : "failed"), finished_at = now(), error = \(failed)
                WHERE id = \(planID)
                """)
            try await Self.requireClaim(claim, on: connection)
        }
    }

    func markInFlight(planID: UUID, seqs: [Int], claim: JobClaim?) async throws {
        guard !seqs.isEmpty else { return }
        try await self.client.withTransaction { connection in
            try await connection.query("""
                UPDATE restore_steps SET status = 'in_flight', updated_at = now()
                WHERE plan_id = \(planID) AND seq = ANY(\(seqs)) AND status IN ('pending', 'failed')
                """)
            try await Self.requireClaim(claim, on: connection)
        }
    }

    /// Records step outcomes and new id-map entries in one transaction, so a step is never done
    /// without its mapping.
    func record(planID: UUID, outcomes: [StepOutcome], map: IDMap, claim: JobClaim?) async throws {
        guard !outcomes.isEmpty else { return }
        struct Row: Encodable { var seq: Int; var status: String; var target: String?; var detail: String? }
        let rows = outcomes.map { Row(seq: $0.seq, status: $0.status.rawValue, target: $0.targetID, detail: $0.detail) }
        try await self.client.withTransaction { connection in
            for (kind, entries) in [("id", map.ids), ("appId", map.appIDs)] where !entries.isEmpty {
                try await connection.query("""
                    INSERT INTO restore_id_map (plan_id, kind, source_id, target_id)
                    SELECT \(planID), \(kind), key, value FROM jsonb_each_text(\(try PostgresJSON(encoding: entries))::jsonb)
                    ON CONFLICT (plan_id, kind, source_id) DO NOTHING
                    """)
            }
            try await connection.query("""
                UPDATE restore_steps s SET status = r.status, target_id = coalesce(r.target, s.target_id), detail = r.detail,
                       updated_at = now()
                FROM jsonb_to_recordset(\(try PostgresJSON(encoding: rows))::jsonb) AS r(seq int, status text, target text, detail text)
                WHERE s.plan_id = \(planID) AND s.seq = r.seq
                """)
            try await Self.requireClaim(claim, on: connection)
        }
    }
}

/// What happened to one step.
struct StepOutcome: Sendable {
    var seq: Int
    var status: RestoreStep.Status
    var targetID: String?
    var detail: String?
}
