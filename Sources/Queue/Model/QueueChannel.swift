/// NOTIFY channels the queue uses.
public enum QueueChannel {
    /// Sent (at most once per statement, by a trigger) when jobs become available.
    public static let jobsAvailable = "holdfast_jobs"
}
