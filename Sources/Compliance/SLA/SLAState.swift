/// A tenant's SLA state (docs/sla.md).
public enum SLAState: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case ok
    /// Past 80 % of the RPO target, the last backup attempt failed, or the newest snapshot is partial.
    case atRisk = "at_risk"
    /// The newest committed snapshot is older than the RPO target (or there is none, and the tenant
    /// has been protected longer than the target).
    case breached

    /// Worse states sort after better ones.
    var severity: Int {
        switch self {
        case .ok: 0
        case .atRisk: 1
        case .breached: 2
        }
    }

    public static func < (lhs: SLAState, rhs: SLAState) -> Bool { lhs.severity < rhs.severity }
}

/// Why a tenant is not `ok`.
public enum SLAReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The newest committed snapshot is older than the RPO target.
    case rpoExceeded = "rpo_exceeded"
    /// The newest committed snapshot is older than 80 % of the RPO target.
    case rpoNearlyExceeded = "rpo_80_percent"
    /// The most recent backup attempt failed (retried or discarded).
    case lastAttemptFailed = "last_attempt_failed"
    /// The newest committed snapshot is partial: some object types could not be read.
    case partialSnapshot = "partial_snapshot"
    /// The tenant has no committed snapshot yet.
    case noSnapshot = "no_snapshot"
}
