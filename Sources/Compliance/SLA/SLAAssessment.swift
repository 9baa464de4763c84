public import Foundation

/// One tenant's SLA at one instant: its state, why, and the measures behind it.
public struct SLAAssessment: Sendable, Hashable, Encodable {
    public var tenantID: UUID
    public var tenantName: String
    public var partnerID: UUID?
    public var partnerName: String?
    public var policyName: String
    public var state: SLAState
    public var reasons: [SLAReason]
    public var rpoTargetSeconds: Double
    public var newestSnapshotID: Int64?
    public var newestSnapshotAt: Date?
    /// Age of the newest committed snapshot (or, with none, time since protection started).
    public var snapshotAgeSeconds: Double
    /// `snapshotAgeSeconds / rpoTargetSeconds`: above 0.8 is at risk, above 1 breached.
    public var rpoUsed: Double
    public var lastAttemptFailed: Bool
    /// Succeeded attempts over attempts that ended in the last 30 days; nil without attempts.
    public var successRate30Days: Double?
    public var attemptsSucceeded30Days: Int
    public var attemptsFailed30Days: Int
    public var lastPassedValidationAt: Date?
    public var validationAgeSeconds: Double?
    public var lastRestoreSeconds: Double?
    /// Since when the tenant has been in `state`, as recorded; nil if never recorded in this state.
    public var since: Date?
    public var evaluatedAt: Date

    /// Fraction of the RPO target past which a tenant is at risk.
    public static let atRiskFraction = 0.8

    /// The SLA of the tenant `facts` describe, at `now`. Pure: the same facts and instant give the
    /// same answer.
    public init(facts: TenantSLAFacts, at now: Date) {
        let reference = facts.newestSnapshotAt ?? facts.tenantCreatedAt
        let age = max(0, now.timeIntervalSince(reference))
        let used = facts.rpoTarget > 0 ? age / facts.rpoTarget : .infinity
        var reasons: [SLAReason] = []
        if facts.newestSnapshotAt == nil { reasons.append(.noSnapshot) }
        if used > 1 {
            reasons.append(.rpoExceeded)
        } else if used > Self.atRiskFraction {
            reasons.append(.rpoNearlyExceeded)
        }
        if facts.lastAttemptFailed { reasons.append(.lastAttemptFailed) }
        if facts.newestSnapshotAt != nil && facts.newestSnapshotPartial { reasons.append(.partialSnapshot) }

        let state: SLAState
        if used > 1 {
            state = .breached
        } else if used > Self.atRiskFraction || facts.lastAttemptFailed || facts.newestSnapshotPartial || facts.newestSnapshotAt == nil {
            state = .atRisk
        } else {
            state = .ok
        }
        let attempts = facts.attemptsSucceeded30Days + facts.attemptsFailed30Days

        self.tenantID = facts.tenantID
        self.tenantName = facts.tenantName
        self.partnerID = facts.partnerID
        self.partnerName = facts.partnerName
        self.policyName = facts.policyName
        self.state = state
        self.reasons = reasons
        self.rpoTargetSeconds = facts.rpoTarget
        self.newestSnapshotID = facts.newestSnapshotID
        self.newestSnapshotAt = facts.newestSnapshotAt
        self.snapshotAgeSeconds = age
        self.rpoUsed = used
        self.lastAttemptFailed = facts.lastAttemptFailed
        self.successRate30Days = attempts > 0 ? Double(facts.attemptsSucceeded30Days) / Double(attempts) : nil
        self.attemptsSucceeded30Days = facts.attemptsSucceeded30Days
        self.attemptsFailed30Days = facts.attemptsFailed30Days
        self.lastPassedValidationAt = facts.lastPassedValidationAt
        self.validationAgeSeconds = facts.lastPassedValidationAt.map { max(0, now.timeIntervalSince($0)) }
        self.lastRestoreSeconds = facts.lastRestoreSeconds
        self.since = facts.recordedState == state ? facts.recordedSince : nil
        self.evaluatedAt = now
    }
}

extension Array where Element == SLAAssessment {
    /// Worst first: breached, then at risk, then ok; within a state, the most RPO used first.
    public func sortedWorstFirst() -> [SLAAssessment] {
        sorted { lhs, rhs in
            if lhs.state != rhs.state { return lhs.state > rhs.state }
            if lhs.rpoUsed != rhs.rpoUsed { return lhs.rpoUsed > rhs.rpoUsed }
            return (lhs.tenantName, lhs.tenantID.uuidString) < (rhs.tenantName, rhs.tenantID.uuidString)
        }
    }
}

extension SLAAssessment {
    /// snake_case keys whatever the encoder's strategy; ids lower-case, times ISO 8601 UTC.
    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant_id", tenantName = "tenant_name", partnerID = "partner_id", partnerName = "partner_name"
        case policyName = "policy_name", state, reasons, rpoTargetSeconds = "rpo_target_seconds"
        case newestSnapshotID = "newest_snapshot_id", newestSnapshotAt = "newest_snapshot_at"
        case snapshotAgeSeconds = "snapshot_age_seconds", rpoUsed = "rpo_used", lastAttemptFailed = "last_attempt_failed"
        case successRate30Days = "success_rate_30_days", attemptsSucceeded30Days = "attempts_succeeded_30_days"
        case attemptsFailed30Days = "attempts_failed_30_days", lastPassedValidationAt = "last_passed_validation_at"
        case validationAgeSeconds = "validation_age_seconds", lastRestoreSeconds = "last_restore_seconds", since
        case evaluatedAt = "evaluated_at"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tenantID.uuidString.lowercased(), forKey: .tenantID)
        try container.encode(tenantName, forKey: .tenantName)
        try container.encode(partnerID?.uuidString.lowercased(), forKey: .partnerID)
        try container.encode(partnerName, forKey: .partnerName)
        try container.encode(policyName, forKey: .policyName)
        try container.encode(state, forKey: .state)
        try container.encode(reasons, forKey: .reasons)
        try container.encode(rpoTargetSeconds, forKey: .rpoTargetSeconds)
        try container.encode(newestSnapshotID, forKey: .newestSnapshotID)
        try container.encode(newestSnapshotAt.map(ComplianceDates.iso8601), forKey: .newestSnapshotAt)
        try container.encode(snapshotAgeSeconds.rounded(), forKey: .snapshotAgeSeconds)
        try container.encode((rpoUsed * 1000).rounded() / 1000, forKey: .rpoUsed)
        try container.encode(lastAttemptFailed, forKey: .lastAttemptFailed)
        try container.encode(successRate30Days, forKey: .successRate30Days)
        try container.encode(attemptsSucceeded30Days, forKey: .attemptsSucceeded30Days)
        try container.encode(attemptsFailed30Days, forKey: .attemptsFailed30Days)
        try container.encode(lastPassedValidationAt.map(ComplianceDates.iso8601), forKey: .lastPassedValidationAt)
        try container.encode(validationAgeSeconds?.rounded(), forKey: .validationAgeSeconds)
        try container.encode(lastRestoreSeconds, forKey: .lastRestoreSeconds)
        try container.encode(since.map(ComplianceDates.iso8601), forKey: .since)
        try container.encode(ComplianceDates.iso8601(evaluatedAt), forKey: .evaluatedAt)
    }
}
