/// The priorities Holdfast enqueues at (lower runs first), and which of them are interactive.
///
/// The claim orders by priority before fairness, so a restore or a backup an operator asked for
/// goes ahead of the nightly pass's queued backups; and a worker keeps
/// `WorkerConfiguration.interactiveSlots` of its slots for jobs below ``interactiveBelow``, so one
/// starts even while scheduled work would fill every slot (docs/queue.md, "Priorities").
public enum QueuePriority {
    /// A restore: an operator is waiting, and the tenant may be broken until it runs.
    public static let restore = 10
    /// A backup an operator or the API asked for now.
    public static let manualBackup = 20
    /// Webhook deliveries: short, and someone is waiting for the alert.
    public static let notification = 50
    /// Scheduled backups, retention and validation: the nightly pass.
    public static let scheduled = 100
    /// Jobs with a priority below this are interactive: they may use a worker's reserved slots.
    public static let interactiveBelow = 100

    /// Whether a job of this priority may run in a reserved interactive slot.
    public static func isInteractive(_ priority: Int) -> Bool { priority < interactiveBelow }
}
