public import Foundation
public import Queue

/// How a worker runs. Every field has a documented default.
public struct WorkerConfiguration: Sendable {
    /// This worker's id in the registry and in the jobs it holds. Default: a new random id.
    public var id: UUID
    /// Jobs run at once. Default 10.
    public var concurrency: Int
    /// Kinds this worker claims; `nil`: every kind it has a handler for.
    public var kinds: [JobKind]?
    /// How long a claim holds without a heartbeat. Default 30 s.
    public var lease: Duration
    /// How often leases are extended and cancellations looked for. Default 10 s (a third of the lease).
    public var heartbeatInterval: Duration
    /// How long one heartbeat may take before it is cancelled (the next one is tried on time).
    /// Default: a third of the lease, and at least the heartbeat interval.
    public var heartbeatTimeout: Duration
    /// A job whose lease was not renewed for this long has its handler cancelled and writes
    /// nothing more (fencing): the lease itself may expire soon after, and the rescuer then gives
    /// the job to another worker. Default: two thirds of the lease, as the coordinator's leader
    /// steps down at two thirds of its lease.
    public var fenceAfter: Duration
    /// How often the queue is polled when no NOTIFY arrives. Default 2 s.
    public var pollInterval: Duration
    /// On graceful shutdown, how long running jobs may take to finish before they are handed back. Default 30 s.
    public var shutdownTimeout: Duration
    /// Backoff between attempts of a failed job.
    public var retryPolicy: RetryPolicy
    /// The version recorded in the worker registry.
    public var version: String
    /// LISTEN for wake-ups (default true); false: poll only.
    public var listens: Bool
    /// How long completions and claims wait for companions so they go to the database in batches.
    /// Default 1 ms; zero disables batching delays.
    public var batchGatherDelay: Duration
    /// Longest a job of a kind may run. A job still running after its kind's limit has its handler
    /// cancelled and fails as retryable (its attempt counts; discarded on the last) with an error
    /// naming the limit. Kinds not listed have no limit. Default: none.
    public var maximumRunTimes: [JobKind: Duration]
    /// Slots kept for interactive jobs (``QueuePriority/isInteractive(_:)``: restores, manual
    /// backups, webhooks): scheduled work fills at most `concurrency - interactiveSlots`, so an
    /// operator's job starts while the nightly pass keeps the worker busy. Default 0 here;
    /// `holdfast worker` reserves 1 unless told otherwise (`HOLDFAST_WORKER_INTERACTIVE_SLOTS`).
    public var interactiveSlots: Int

    public init(
        id: UUID = UUID(), concurrency: Int = 10, kinds: [JobKind]? = nil, lease: Duration = .seconds(30),
        heartbeatInterval: Duration = .seconds(10), pollInterval: Duration = .seconds(2), shutdownTimeout: Duration = .seconds(30),
        retryPolicy: RetryPolicy = RetryPolicy(), version: String = "unknown", listens: Bool = true,
        batchGatherDelay: Duration = .milliseconds(1), maximumRunTimes: [JobKind: Duration] = [:],
        heartbeatTimeout: Duration? = nil, fenceAfter: Duration? = nil, interactiveSlots: Int? = nil
    ) {
        precondition(maximumRunTimes.values.allSatisfy { $0 > .zero }, "maximum run times must be positive")
        precondition(concurrency > 0, "concurrency must be positive")
        self.id = id
        self.concurrency = concurrency
        self.kinds = kinds
        self.lease = lease
        self.heartbeatInterval = heartbeatInterval
        self.heartbeatTimeout = heartbeatTimeout ?? max(heartbeatInterval, lease / 3)
        self.fenceAfter = fenceAfter ?? lease * 2 / 3
        precondition(self.fenceAfter > heartbeatInterval && self.fenceAfter < lease,
                     "fencing must come after a heartbeat interval and before the lease expires")
        precondition(self.heartbeatTimeout > .zero, "the heartbeat timeout must be positive")
        self.pollInterval = pollInterval
        self.shutdownTimeout = shutdownTimeout
        self.retryPolicy = retryPolicy
        self.version = version
        self.listens = listens
        self.batchGatherDelay = batchGatherDelay
        self.maximumRunTimes = maximumRunTimes
        self.interactiveSlots = interactiveSlots ?? 0
        precondition(self.interactiveSlots >= 0 && self.interactiveSlots < concurrency,
                     "interactive slots must leave at least one slot for scheduled work")
    }
}
