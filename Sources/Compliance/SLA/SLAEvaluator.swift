public import Foundation
public import Logging
public import Postgres
public import Queue

/// Computes tenants' SLA from PostgreSQL and records every change of state (docs/sla.md).
///
/// `assess` only reads; `evaluateAndRecord` is what the coordinator's leader runs on an interval:
/// it records changes in `sla_states` and `sla_state_changes`, and, with webhooks enabled, enqueues
/// a `webhook` job for each breach and each recovery, in the same transaction.
public struct SLAEvaluator: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// Enqueue `sla.breached` / `sla.recovered` webhook jobs. Enable it only where a worker has a
        /// webhook configured, or the jobs wait for one. Default false.
        public var sendsWebhooks: Bool

        public init(sendsWebhooks: Bool = false) {
            self.sendsWebhooks = sendsWebhooks
        }
    }

    public let client: PostgresClient
    public let configuration: Configuration
    /// What the webhook jobs it enqueues are checked against.
    public let enqueueChecks: EnqueueChecks
    public let logger: Logger

    public init(client: PostgresClient, configuration: Configuration = Configuration(), enqueueChecks: EnqueueChecks, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.enqueueChecks = enqueueChecks
        self.logger = logger
    }

    /// The SLA of every tenant in `scope` at `now`, worst first. Records nothing.
    ///
    /// `visibleToPartner` confines the answer to that partner's tenants whatever the scope (for a
    /// partner's API key, invariant 6): another partner's tenant is simply not there.
    public func assess(scope: SLAScope = .all, now: Date = Date(), visibleToPartner: UUID? = nil) async throws -> [SLAAssessment] {
        try await client.withTransaction { connection in
            try await Self.facts(scope: scope, now: now, visibleToPartner: visibleToPartner, on: connection)
                .map { SLAAssessment(facts: $0, at: now) }.sortedWorstFirst()
        }
    }

    /// One round of the leader's evaluation: assesses every tenant at `now` and records what changed.
    public func evaluateAndRecord(now: Date = Date()) async throws -> SLAEvaluationRound {
        let round = try await client.withTransaction { connection -> SLAEvaluationRound in
            // One evaluator at a time (an on-demand run beside the leader's): each sees the other's
            // recorded states, so a change is recorded once.
            try await connection.query("LOCK TABLE sla_states IN SHARE ROW EXCLUSIVE MODE")
            let assessments = try await Self.facts(scope: .all, now: now, on: connection).map { facts in
                (facts, SLAAssessment(facts: facts, at: now))
            }
            var transitions: [SLATransition] = []
            var webhooks: [EnqueueRequest] = []
            for (facts, assessment) in assessments {
                if facts.recordedState == assessment.state {
                    // Same state: rewrite the row only when the reasons changed; evaluated_at is
                    // set for every tenant in one statement below.
                    if facts.recordedReasons != assessment.reasons {
                        try await connection.query("""
                            UPDATE sla_states SET reasons = \(try Self.reasonsJSON(assessment.reasons))::jsonb
                            WHERE tenant_id = \(facts.tenantID)
                            """)
                    }
                    continue
                }
                let reasons = try Self.reasonsJSON(assessment.reasons)
                guard let row = try await connection.query("""
                    INSERT INTO sla_state_changes (tenant_id, from_state, to_state, reasons, at)
                    VALUES (\(facts.tenantID), \(facts.recordedState?.rawValue), \(assessment.state.rawValue), \(reasons)::jsonb, \(now))
                    RETURNING id
                    """).first else { continue }
                try await connection.query("""
                    INSERT INTO sla_states (tenant_id, state, reasons, since, evaluated_at)
                    VALUES (\(facts.tenantID), \(assessment.state.rawValue), \(reasons)::jsonb, \(now), \(now))
                    ON CONFLICT (tenant_id) DO UPDATE
                    SET state = EXCLUDED.state, reasons = EXCLUDED.reasons, since = EXCLUDED.since, evaluated_at = EXCLUDED.evaluated_at
                    """)
                let transition = SLATransition(id: try row.decode(Int64.self, at: 0), tenantID: facts.tenantID, from: facts.recordedState,
                                               to: assessment.state, reasons: assessment.reasons, at: now)
                transitions.append(transition)
                if configuration.sendsWebhooks, let event = transition.webhookEventName {
                    let payload = SLATransitionPayload(transition: transition, assessment: assessment)
                    webhooks.append(try WebhookEvent(event: event, tenantID: facts.tenantID, payload: payload)
                        .enqueueRequest(uniqueKey: "sla:\(transition.id)"))
                }
            }
            try await connection.query("""
                UPDATE sla_states SET evaluated_at = \(now) WHERE tenant_id = ANY(\(PostgresArray(assessments.map(\.0.tenantID)))::uuid[])
                """)
            if !webhooks.isEmpty {
                _ = try await JobEnqueuer(client: client, logger: logger, checks: enqueueChecks).enqueue(webhooks, on: connection)
            }
            return SLAEvaluationRound(assessments: assessments.map(\.1).sortedWorstFirst(), transitions: transitions,
                                      webhooksEnqueued: webhooks.count)
        }
        for transition in round.transitions {
            logger.notice("SLA state changed", metadata: [
                "tenant.id": "\(transition.tenantID.uuidString.lowercased())",
                "sla.from": "\(transition.from?.rawValue ?? "none")", "sla.to": "\(transition.to.rawValue)",
                "sla.reasons": "\(transition.reasons.map(\.rawValue).joined(separator: ","))",
            ])
        }
        return round
    }

    /// Recorded state changes of `tenantID`, oldest first.
    public func transitions(tenantID: UUID, from: Date? = nil, to: Date? = nil) async throws -> [SLATransition] {
        try await client.query("""
            SELECT id, tenant_id, from_state, to_state, reasons, at FROM sla_state_changes
            WHERE tenant_id = \(tenantID) AND (\(from)::timestamptz IS NULL OR at >= \(from)) AND (\(to)::timestamptz IS NULL OR at < \(to))
            ORDER BY at, id
            """).rows.map(Self.transition(from:))
    }

    static func transition(from row: PostgresRow) throws -> SLATransition {
        SLATransition(
            id: try row.decode(Int64.self, "id"), tenantID: try row.decode(UUID.self, "tenant_id"),
            from: try row.decode(String?.self, "from_state").flatMap(SLAState.init(rawValue:)),
            to: SLAState(rawValue: try row.decode(String.self, "to_state")) ?? .breached,
            reasons: try Self.reasons(fromJSON: try row.decode(String.self, "reasons")),
            at: try row.decode(Date.self, "at"))
    }

    static func reasonsJSON(_ reasons: [SLAReason]) throws -> String {
        String(decoding: try JSONEncoder().encode(reasons), as: UTF8.self)
    }

    static func reasons(fromJSON text: String) throws -> [SLAReason] {
        let raw = (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
        return raw.compactMap(SLAReason.init(rawValue:))
    }

    /// The facts of every protected tenant in `scope`, as of `now` (rows after `now` are ignored, so
    /// a test can replay a history by moving `now`). Runs inside a transaction (it sets a local).
    static func facts(scope: SLAScope, now: Date, visibleToPartner: UUID? = nil, on connection: PostgresConnection) async throws -> [TenantSLAFacts] {
        let partnerID = scope.partnerID
        let tenantID = scope.tenantID
        // Thousands of small index probes: JIT compilation (PostgreSQL's default for a plan this
        // costly) took longer than the query it compiled (docs/performance.md, "Fleet").
        try await connection.query("SET LOCAL jit = off")
        let rows = try await connection.query("""
            SELECT t.id, t.display_name, t.partner_id, pa.name AS partner_name, t.created_at,
                   COALESCE(p.name, d.name, 'standard') AS policy_name,
                   EXTRACT(EPOCH FROM COALESCE(p.rpo_target, d.rpo_target, interval '26 hours'))::float8 AS rpo_seconds,
                   s.id AS snapshot_id, s.committed_at, s.status AS snapshot_status,
                   la.state AS last_attempt_state, la.at AS last_attempt_at,
                   COALESCE(r.succeeded, 0) AS succeeded, COALESCE(r.failed, 0) AS failed,
                   v.finished_at AS validation_at, v.restore_seconds,
                   st.state AS recorded_state, st.since AS recorded_since, st.reasons AS recorded_reasons
            FROM tenants t
            LEFT JOIN partners pa ON pa.id = t.partner_id
            LEFT JOIN policies p ON p.id = t.policy_id
            LEFT JOIN policies d ON d.name = 'standard'
            LEFT JOIN LATERAL (
                SELECT id, committed_at, status FROM snapshots
                WHERE tenant_id = t.id AND committed_at <= \(now) ORDER BY committed_at DESC, id DESC LIMIT 1
            ) s ON true
            LEFT JOIN LATERAL (
                SELECT state, at FROM job_events
                WHERE tenant_id = t.id AND kind = 'backup' AND state IN ('completed', 'retryable', 'discarded') AND at <= \(now)
                ORDER BY at DESC, id DESC LIMIT 1
            ) la ON true
            LEFT JOIN LATERAL (
                SELECT count(*) FILTER (WHERE state = 'completed') AS succeeded,
                       count(*) FILTER (WHERE state <> 'completed') AS failed
                FROM job_events
                WHERE tenant_id = t.id AND kind = 'backup' AND state IN ('completed', 'retryable', 'discarded')
                  AND at <= \(now) AND at > \(now)::timestamptz - interval '30 days'
            ) r ON true
            LEFT JOIN LATERAL (
                SELECT finished_at, restore_seconds FROM validations
                WHERE tenant_id = t.id AND passed AND finished_at <= \(now) ORDER BY finished_at DESC LIMIT 1
            ) v ON true
            LEFT JOIN sla_states st ON st.tenant_id = t.id
            WHERE t.status NOT IN ('onboarding', 'offboarded') AND t.created_at <= \(now)
              AND (\(partnerID)::uuid IS NULL OR t.partner_id = \(partnerID))
              AND (\(tenantID)::uuid IS NULL OR t.id = \(tenantID))
              AND (\(visibleToPartner)::uuid IS NULL OR t.partner_id = \(visibleToPartner))
            ORDER BY t.display_name, t.id
            """)
        return try rows.rows.map { row in
            TenantSLAFacts(
                tenantID: try row.decode(UUID.self, "id"),
                tenantName: try row.decode(String.self, "display_name"),
                partnerID: try row.decode(UUID?.self, "partner_id"),
                partnerName: try row.decode(String?.self, "partner_name"),
                policyName: try row.decode(String.self, "policy_name"),
                rpoTarget: try row.decode(Double.self, "rpo_seconds"),
                tenantCreatedAt: try row.decode(Date.self, "created_at"),
                newestSnapshotID: try row.decode(Int64?.self, "snapshot_id"),
                newestSnapshotAt: try row.decode(Date?.self, "committed_at"),
                newestSnapshotPartial: try row.decode(String?.self, "snapshot_status") == "partial",
                lastAttemptFailed: (try row.decode(String?.self, "last_attempt_state")).map { $0 != "completed" } ?? false,
                lastAttemptAt: try row.decode(Date?.self, "last_attempt_at"),
                attemptsSucceeded30Days: try row.decode(Int.self, "succeeded"),
                attemptsFailed30Days: try row.decode(Int.self, "failed"),
                lastPassedValidationAt: try row.decode(Date?.self, "validation_at"),
                lastRestoreSeconds: try row.decode(Double?.self, "restore_seconds"),
                recordedState: try row.decode(String?.self, "recorded_state").flatMap(SLAState.init(rawValue:)),
                recordedSince: try row.decode(Date?.self, "recorded_since"),
                recordedReasons: try row.decode(String?.self, "recorded_reasons").map(Self.reasons(fromJSON:)) ?? [])
        }
    }
}

/// What one evaluation round found and recorded.
public struct SLAEvaluationRound: Sendable, Hashable {
    /// Every tenant's SLA, worst first.
    public var assessments: [SLAAssessment]
    /// The changes of state recorded by this round.
    public var transitions: [SLATransition]
    public var webhooksEnqueued: Int
}
