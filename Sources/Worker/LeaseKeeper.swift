import Logging
import Postgres
import Queue

/// Keeps the leases of the jobs in `running` and fences the ones it cannot keep (docs/queue.md,
/// "Fencing"): heartbeats on a session of their own with a deadline each, and a watch that stops
/// the handler of every job whose lease was not renewed for `fenceAfter`.
struct LeaseKeeper: Sendable {
    let running: RunningJobs
    let lease: Duration
    let heartbeatInterval: Duration
    let heartbeatTimeout: Duration
    let fenceAfter: Duration
    let logger: Logger

    /// A one-connection pool beside `client`'s, for heartbeats only: behind the jobs' statements in
    /// the pool's queue they could wait past the lease. Shut it down after the last heartbeat.
    static func heartbeatClient(beside client: PostgresClient, logger: Logger) -> PostgresClient {
        var configuration = client.configuration
        configuration.maxConnections = 1
        configuration.applicationName = String((client.configuration.applicationName + "-heartbeat").prefix(63))
        return PostgresClient(configuration: configuration, logger: logger)
    }

    /// Extends the held leases every `heartbeatInterval` on `client`, each round cancelled after
    /// `heartbeatTimeout`; `afterRound` runs inside the round (the worker registry's "seen").
    func heartbeat(client: PostgresClient, afterRound: @escaping @Sendable () async throws -> Void = {}) async {
        let completer = JobCompleter(client: client, logger: logger)
        while !Task.isCancelled {
            do { try await Task.sleep(for: heartbeatInterval) } catch { return }
            let claims = running.claims
            let sent = ContinuousClock.now
            do {
                try await Self.withDeadline(heartbeatTimeout) {
                    let statuses = try await completer.heartbeat(claims, lease: self.lease)
                    for (id, status) in statuses {
                        switch status {
                        case .held: self.running.renewed(id, sentAt: sent)
                        case .cancelRequested:
                            self.running.renewed(id, sentAt: sent)
                            self.running.stop(id, reason: .cancelRequested)
                        case .lost: self.running.stop(id, reason: .leaseLost)
                        }
                    }
                    try await afterRound()
                }
            } catch {
                if Task.isCancelled { return }
                logger.warning("heartbeat failed; leases were not extended", metadata: [
                    "error": "\(error)", "jobs.running": "\(claims.count)", "heartbeat.timeout_s": "\(heartbeatTimeout.seconds)",
                ])
            }
        }
    }

    /// Stops the handlers of jobs whose lease was not renewed for `fenceAfter`: by then the lease
    /// may be about to expire, and once it has, the rescuer hands the job to another worker.
    func fence() async {
        let tick = min(max(fenceAfter / 20, .milliseconds(10)), .milliseconds(500))
        while !Task.isCancelled {
            do { try await Task.sleep(for: tick) } catch { return }
            for (claim, since) in running.stale(fenceAfter: fenceAfter) {
                logger.warning("lease not renewed in time: stopping the job's handler; nothing more is written for it", metadata: [
                    "job.id": "\(claim.jobID)", "job.attempt": "\(claim.attempt)", "lease.since_renewal_s": "\(since.seconds)",
                    "lease.fence_after_s": "\(fenceAfter.seconds)",
                ])
                running.stop(claim.jobID, reason: .leaseLost)
            }
        }
    }

    /// Runs `body`, cancelling it (a running statement is cancelled on the server) once `timeout`
    /// has passed; then throws ``QueueError`` `.timedOut`.
    static func withDeadline(_ timeout: Duration, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { try await body(); return true }
            group.addTask { try await Task.sleep(for: timeout); return false }
            let finished = try await group.next() ?? false
            group.cancelAll()
            if !finished {
                throw QueueError(code: .timedOut, message: "the heartbeat did not finish within \(timeout.seconds) s")
            }
        }
    }
}
