public import Foundation
public import Vault

/// What one retention run did: stored in `retention_runs` and reported as the job's progress.
public struct RetentionReport: Sendable, Hashable, Codable {
    public struct Protected: Sendable, Hashable, Codable {
        public var id: Int64
        public var reason: RetentionPlan.Protection
    }

    public var tenantID: UUID
    public var policyName: String
    public var evaluatedAt: Date
    public var snapshotsKept: Int
    public var deleted: [Vault.SnapshotDeletion] = []
    public var protected: [Protected] = []
    public var garbage = BlobGarbageCollector.Result()
    /// Set while the run goes on: `deleting`, `collecting`, `done`.
    public var phase: String = "planning"
}
