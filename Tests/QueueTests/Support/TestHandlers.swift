import Foundation
import Queue
import Synchronization

/// Runs jobs of one kind by sleeping a little, and counts every run per job.
final class CountingHandler: JobHandler {
    let kind: JobKind
    let sleep: Duration
    private let runs = Mutex<[Job.ID: Int]>([:])

    init(kind: JobKind, sleep: Duration = .milliseconds(1)) {
        self.kind = kind
        self.sleep = sleep
    }

    func run(_ job: Job, context: JobContext) async throws {
        runs.withLock { $0[job.id, default: 0] += 1 }
        try await Task.sleep(for: sleep)
    }

    var runCounts: [Job.ID: Int] { runs.withLock { $0 } }
}
