public import Foundation

/// One tenant's SLA at one instant: its state, why, and the measures behind it.
public struct SLAAssessment: Sendable, Hashable, Codable {
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
