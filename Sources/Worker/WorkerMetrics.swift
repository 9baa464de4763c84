import Metrics
import Queue

/// The worker's Prometheus series (through swift-metrics; the process picks the backend).
enum WorkerMetrics {
    static func claimed(_ kind: JobKind) { Counter(label: "holdfast_jobs_claimed_total", dimensions: [("kind", kind.rawValue)]).increment() }
    static func completed(_ kind: JobKind) { Counter(label: "holdfast_jobs_completed_total", dimensions: [("kind", kind.rawValue)]).increment() }
    static func failed(_ kind: JobKind, outcome: String) {
        Counter(label: "holdfast_jobs_failed_total", dimensions: [("kind", kind.rawValue), ("outcome", outcome)]).increment()
    }
    static func claimLatency(_ duration: Duration) {
        Metrics.Timer(label: "holdfast_job_claim_duration_seconds").recordNanoseconds(
            duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
    }
    static func running(_ count: Int) { Gauge(label: "holdfast_worker_running_jobs").record(count) }
}
