import Foundation
public import Postgres
public import Queue
public import Logging

extension Set where Element == JobState {
    /// Finished for good: completed, discarded or cancelled.
    public static var final: Set<JobState> { Set(JobState.allCases.filter(\.isFinal)) }
    /// Final, or failed an attempt and waiting for its retry: what a test that runs one attempt waits for.
    public static var settled: Set<JobState> { final.union([.retryable]) }
}

/// A job did not reach the state a test waited for: it reached another final state, or the
/// deadline passed. The message gives what the job shows, so the failure explains itself.
public struct JobWaitError: Error, CustomStringConvertible {
    public let job: Job
    public let description: String

    init(job: Job, wanted: Set<JobState>, reason: String) {
        self.job = job
        let targets = wanted.map(\.rawValue).sorted().joined(separator: " or ")
        let errors = job.errors.isEmpty ? "none"
            : job.errors.suffix(3).map { "attempt \($0.attempt)\($0.permanent ? " (permanent)" : ""): \($0.error)" }.joined(separator: "; ")
        self.description = "job \(job.id) (\(job.kind.rawValue)) did not reach \(targets): \(reason); it is \(job.state.rawValue), "
            + "attempt \(job.attempt) of \(job.maxAttempts), last errors: \(errors)"
    }
}

extension PostgresClient {
    /// Polls job `id` (through ``JobAdministrator``) until it is in one of `states`, and returns it.
    ///
    /// Fails at once when the job reaches a final state that is not one of `states` (it will not
    /// move again), and when `deadline` passes. The deadline is a safety net so a broken build
    /// fails instead of hanging, never a timing assertion: keep it generous.
    @discardableResult
    public func waitForJob(_ id: Job.ID, until states: Set<JobState> = .final, deadline: Duration = .seconds(300),
                           logger: Logger = TestLogger.make()) async throws -> Job {
        let administrator = JobAdministrator(client: self, logger: logger)
        let end = ContinuousClock.now + deadline
        while true {
            let job = try await administrator.job(id)
            if states.contains(job.state) { return job }
            if job.state.isFinal { throw JobWaitError(job: job, wanted: states, reason: "it finished otherwise") }
            if ContinuousClock.now > end { throw JobWaitError(job: job, wanted: states, reason: "gave up after \(deadline)") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
