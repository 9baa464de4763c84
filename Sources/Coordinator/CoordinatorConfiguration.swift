public import Foundation

/// How a coordinator runs. Every field has a documented default.
public struct CoordinatorConfiguration: Sendable {
    /// This coordinator's id in the leader lease. Default: a new random id.
    public var id: UUID
    /// How long a leader's lease lasts without renewal. Default 15 s.
    public var leaderLease: Duration
    /// How often the leader renews (and candidates try to take over). Default: a third of the lease.
    public var renewInterval: Duration
    /// How often expired leases are rescued. Default 5 s.
    public var rescueInterval: Duration
    /// How often due scheduled and retryable jobs are made available. Default 1 s.
    public var promoteInterval: Duration
    /// How often finished jobs and old history are pruned. Default 5 min.
    public var pruneInterval: Duration
    /// Finished jobs and history older than this are pruned. Default 7 days.
    public var retention: Duration
    /// How often queue depth by state is sampled for metrics. Default 15 s.
    public var depthSampleInterval: Duration

    public init(
        id: UUID = UUID(), leaderLease: Duration = .seconds(15), renewInterval: Duration? = nil,
        rescueInterval: Duration = .seconds(5), promoteInterval: Duration = .seconds(1), pruneInterval: Duration = .seconds(300),
        retention: Duration = .seconds(7 * 86_400), depthSampleInterval: Duration = .seconds(15)
    ) {
        self.id = id
        self.leaderLease = leaderLease
        self.renewInterval = renewInterval ?? leaderLease / 3
        self.rescueInterval = rescueInterval
        self.promoteInterval = promoteInterval
        self.pruneInterval = pruneInterval
        self.retention = retention
        self.depthSampleInterval = depthSampleInterval
    }
}
