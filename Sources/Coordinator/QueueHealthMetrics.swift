import Metrics
import Queue
import Synchronization

/// The leader's view of the queue and the fleet, as gauges: jobs by state, the age of the oldest
/// waiting job of each kind, and workers active or lost. Only the leader samples, so only one
/// coordinator exports them; a coordinator that steps down removes its series (`remove()`).
final class QueueHealthMetrics: Sendable {
    let administrator: JobAdministrator
    let workers: WorkerRegistry
    /// A worker not seen for this long while not stopped is lost: about four leases of 30 s, so a
    /// worker's heartbeats (every lease/3) have failed many times over.
    static let workerLostAfter = Duration.seconds(120)
    /// Kinds with an oldest-age series, so a kind whose queue emptied is reset to 0, not left stale.
    private let agedKinds = Mutex<Set<JobKind>>([])

    init(administrator: JobAdministrator, workers: WorkerRegistry) {
        self.administrator = administrator
        self.workers = workers
    }

    /// One round; a failed query leaves that family's previous values (the next round retries).
    func sample() async {
        if let counts = try? await administrator.countsByState() {
            for (state, count) in counts {
                Gauge(label: "holdfast_queue_jobs", dimensions: [("state", state.rawValue)]).record(count)
            }
        }
        if let ages = try? await administrator.oldestAvailableAgeByKind() {
            let kinds = agedKinds.withLock { known in
                known.formUnion(ages.keys)
                return known
            }
            for kind in kinds {
                Gauge(label: "holdfast_queue_oldest_available_age_seconds", dimensions: [("kind", kind.rawValue)]).record(ages[kind] ?? 0)
            }
        }
        if let fleet = try? await workers.fleet(lostAfter: Self.workerLostAfter) {
            Gauge(label: "holdfast_workers", dimensions: [("state", "active")]).record(fleet.active)
            Gauge(label: "holdfast_workers", dimensions: [("state", "lost")]).record(fleet.lost)
        }
    }

    func remove() {
        for state in JobState.allCases {
            Gauge(label: "holdfast_queue_jobs", dimensions: [("state", state.rawValue)]).destroy()
        }
        let kinds = agedKinds.withLock { known in
            defer { known.removeAll() }
            return known
        }
        for kind in kinds {
            Gauge(label: "holdfast_queue_oldest_available_age_seconds", dimensions: [("kind", kind.rawValue)]).destroy()
        }
        for state in ["active", "lost"] {
            Gauge(label: "holdfast_workers", dimensions: [("state", state)]).destroy()
        }
    }
}
