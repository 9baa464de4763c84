/// One job kind's share of the queue, for the console's workers and queue page: bounded counts
/// (each stops at `cap`, shown as "cap+") and how long its oldest waiting job has waited.
public struct KindQueue: Sendable, Hashable {
    public var kind: JobKind
    /// Available jobs (due, not claimed).
    public var waiting: Int
    public var running: Int
    /// Failed an attempt, waiting for the next one.
    public var retrying: Int
    /// Seconds the oldest available job has waited since its `run_at` (database clock); nil when none waits.
    public var oldestWaitSeconds: Double?

    public init(kind: JobKind, waiting: Int, running: Int, retrying: Int, oldestWaitSeconds: Double?) {
        self.kind = kind
        self.waiting = waiting
        self.running = running
        self.retrying = retrying
        self.oldestWaitSeconds = oldestWaitSeconds
    }
}
