public import Foundation

/// The queue at a glance, for the console's fleet page: bounded counts (each stops at ``cap``, shown
/// as "cap+"), so a page view never counts the whole jobs table.
public struct QueueHealth: Sendable, Hashable {
    /// Largest count reported; a count equal to it means "at least this many".
    public var cap: Int
    public var available: Int
    public var running: Int
    public var retryable: Int
    /// Discarded (failed for good) since `failedSince`.
    public var failedRecently: Int
    public var failedSince: Date
    /// When the longest-waiting available job became due; nil when none waits.
    public var oldestAvailableSince: Date?

    public init(cap: Int, available: Int, running: Int, retryable: Int, failedRecently: Int, failedSince: Date, oldestAvailableSince: Date?) {
        self.cap = cap
        self.available = available
        self.running = running
        self.retryable = retryable
        self.failedRecently = failedRecently
        self.failedSince = failedSince
        self.oldestAvailableSince = oldestAvailableSince
    }
}
