public import Foundation
public import Logging
public import Queue

/// Restores a snapshot into a scratch tenant (graph-sim, or a sandbox tenant the operator
/// configures), reads it back and reports every difference. The restore engine implements it;
/// the validation job takes it as an optional dependency.
public protocol RestoreDrilling: Sendable {
    /// `job`: the validation job's context when it runs as one; the drill's writes are then
    /// conditional on its claim and stop once its lease is not renewed in time (as a restore job's).
    func drill(tenantID: UUID, snapshotID: Int64, job: JobContext?, logger: Logger) async throws -> RestoreDrillOutcome
}

/// What a restore drill measured.
public struct RestoreDrillOutcome: Sendable, Codable, Hashable {
    /// The tenant restored into.
    public var scratchTenant: String
    public var restoreSeconds: Double
    public var objectsRestored: Int
    /// Each difference between the snapshot and what was read back; empty when the drill passed.
    public var differences: [String]

    public init(scratchTenant: String, restoreSeconds: Double, objectsRestored: Int, differences: [String]) {
        self.scratchTenant = scratchTenant
        self.restoreSeconds = restoreSeconds
        self.objectsRestored = objectsRestored
        self.differences = differences
    }
}
