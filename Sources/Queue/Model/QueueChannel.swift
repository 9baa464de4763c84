/// NOTIFY channels the queue uses.
public enum QueueChannel {
    /// Sent (at most once per statement, by a trigger) when jobs become available; the payload is
    /// the schema of the jobs table, for installations that share one database.
    public static let jobsAvailable = "holdfast_jobs"
}
