import Metrics
import Queue

/// The worker's Prometheus series (through swift-metrics; the process picks the backend).
public enum WorkerMetrics {
    static func claimed(_ kind: JobKind) { Counter(label: "holdfast_jobs_claimed_total", dimensions: [("kind", kind.rawValue)]).increment() }
    static func completed(_ kind: JobKind) { Counter(label: "holdfast_jobs_completed_total", dimensions: [("kind", kind.rawValue)]).increment() }
    static func failed(_ kind: JobKind, outcome: String) {
        Counter(label: "holdfast_jobs_failed_total", dimensions: [("kind", kind.rawValue), ("outcome", outcome)]).increment()
    }
    static func claimLatency(_ duration: Duration) {
        Metrics.Timer(label: "holdfast_job_claim_duration_seconds").recordNanoseconds(duration.nanoseconds)
    }
    static func running(_ count: Int) { Gauge(label: "holdfast_worker_running_jobs").record(count) }
    /// The slots this worker has (`--concurrency`): with `holdfast_worker_running_jobs`, how full the fleet is.
    static func slots(_ count: Int) { Gauge(label: "holdfast_worker_slots").record(count) }

    /// How long a job's run took on this worker, by how it ended (`JobRunOutcome`).
    static func finished(_ kind: JobKind, outcome: String, after duration: Duration) {
        Metrics.Timer(label: durationLabel, dimensions: [("kind", kind.rawValue), ("outcome", outcome)])
            .recordNanoseconds(duration.nanoseconds)
    }

    /// How long a claimed job waited for a worker: from when it could first run (its `run_at`,
    /// which promotion and retries move) to its claim, both by the database's clock.
    static func claimedAfterWaiting(_ job: Job) {
        guard let claimedAt = job.attemptedAt else { return }
        let waited = max(0, claimedAt.timeIntervalSince(job.runAt))
        Metrics.Timer(label: queueWaitLabel, dimensions: [("kind", job.kind.rawValue)])
            .recordNanoseconds(Int64(min(waited, 1e9) * 1e9))
    }

    /// Whether the worker's LISTEN session is up (0 while it reconnects: jobs wait for the poll).
    static func listenerConnected(_ connected: Bool) { Gauge(label: "holdfast_listener_connected").record(connected ? 1 : 0) }

    static let durationLabel = "holdfast_job_duration_seconds"
    static let queueWaitLabel = "holdfast_job_queue_wait_seconds"

    /// Histogram buckets for the worker's timers whose values run into minutes and hours (the
    /// Prometheus backend's default buckets stop at 10 s): the process that bootstraps metrics
    /// passes them to its factory.
    public static let histogramBuckets: [String: [Duration]] = {
        let jobBuckets: [Duration] = [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(5), .seconds(15), .seconds(30),
                                      .seconds(60), .seconds(120), .seconds(300), .seconds(600), .seconds(1800), .seconds(3600),
                                      .seconds(3 * 3600), .seconds(6 * 3600), .seconds(12 * 3600)]
        return [durationLabel: jobBuckets, queueWaitLabel: jobBuckets]
    }()
}

extension Duration {
    /// Whole nanoseconds (saturating), as swift-metrics' timers take them.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return product.addingReportingOverflow(attoseconds / 1_000_000_000).overflow ? .max : product + attoseconds / 1_000_000_000
    }
}
