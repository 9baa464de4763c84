public import Foundation

/// A stored restore plan: the ordered writes and what guards and operators must know.
public struct RestorePlan: Sendable {
    public enum Status: String, Sendable, Hashable, Codable {
        case planned, applying, applied, failed
    }

    public var id: UUID
    public var sourceTenantID: UUID
    public var targetTenantID: UUID
    public var snapshotID: Int64
    public var scope: RestoreScope
    public var status: Status
    public var destructiveCount: Int
    public var blastRadiusLimit: Int
    public var lockoutFindings: [LockoutFinding]
    public var operatorActions: [OperatorAction]
    /// Cross-tenant: user principal name and mail domains of the source → the target's domain.
    public var domainRewrites: [String: String]
    public var createdBy: String
    public var createdAt: Date
    /// Past this the plan is refused: it describes the tenant as it was when planned
    /// (``RestoreConfiguration/planLifetime``).
    public var expiresAt: Date
    /// When an apply first began; nil for a plan never applied (so a `failed` plan without it was discarded).
    public var appliedAt: Date?
    public var error: String?
    public var steps: [RestoreStep]
    /// The queue job that applies (or applied) it, once one began it.
    public var jobID: Int64? = nil

    public var isCrossTenant: Bool { self.sourceTenantID != self.targetTenantID }
    public var exceedsBlastRadius: Bool { self.destructiveCount > self.blastRadiusLimit }

    /// Steps by status.
    public var counts: [RestoreStep.Status: Int] {
        var counts: [RestoreStep.Status: Int] = [:]
        for step in self.steps { counts[step.status, default: 0] += 1 }
        return counts
    }
}
