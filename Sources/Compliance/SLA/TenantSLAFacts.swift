public import Foundation

/// What the SLA of one tenant is computed from, as read from PostgreSQL at one instant.
public struct TenantSLAFacts: Sendable, Hashable {
    public var tenantID: UUID
    public var tenantName: String
    public var partnerID: UUID?
    public var partnerName: String?
    public var policyName: String
    /// Maximum age of the newest committed snapshot.
    public var rpoTarget: TimeInterval
    /// When protection started: the age of "no snapshot yet" counts from here.
    public var tenantCreatedAt: Date
    public var newestSnapshotID: Int64?
    public var newestSnapshotAt: Date?
    public var newestSnapshotPartial: Bool
    /// Whether the most recent backup attempt (completed, retried or discarded) failed.
    public var lastAttemptFailed: Bool
    public var lastAttemptAt: Date?
    /// Backup attempts that ended in the 30 days before the evaluation.
    public var attemptsSucceeded30Days: Int
    public var attemptsFailed30Days: Int
    public var lastPassedValidationAt: Date?
    /// The restore time the last passed validation measured.
    public var lastRestoreSeconds: Double?
    /// The state recorded by the last evaluation, and since when.
    public var recordedState: SLAState?
    public var recordedSince: Date?
    public var recordedReasons: [SLAReason]

    public init(
        tenantID: UUID, tenantName: String, partnerID: UUID? = nil, partnerName: String? = nil, policyName: String = "standard",
        rpoTarget: TimeInterval, tenantCreatedAt: Date, newestSnapshotID: Int64? = nil, newestSnapshotAt: Date? = nil,
        newestSnapshotPartial: Bool = false, lastAttemptFailed: Bool = false, lastAttemptAt: Date? = nil,
        attemptsSucceeded30Days: Int = 0, attemptsFailed30Days: Int = 0, lastPassedValidationAt: Date? = nil,
        lastRestoreSeconds: Double? = nil, recordedState: SLAState? = nil, recordedSince: Date? = nil,
        recordedReasons: [SLAReason] = []
    ) {
        self.tenantID = tenantID
        self.tenantName = tenantName
        self.partnerID = partnerID
        self.partnerName = partnerName
        self.policyName = policyName
        self.rpoTarget = rpoTarget
        self.tenantCreatedAt = tenantCreatedAt
        self.newestSnapshotID = newestSnapshotID
        self.newestSnapshotAt = newestSnapshotAt
        self.newestSnapshotPartial = newestSnapshotPartial
        self.lastAttemptFailed = lastAttemptFailed
        self.lastAttemptAt = lastAttemptAt
        self.attemptsSucceeded30Days = attemptsSucceeded30Days
        self.attemptsFailed30Days = attemptsFailed30Days
        self.lastPassedValidationAt = lastPassedValidationAt
        self.lastRestoreSeconds = lastRestoreSeconds
        self.recordedState = recordedState
        self.recordedSince = recordedSince
        self.recordedReasons = recordedReasons
    }
}
