public import Foundation
public import Postgres

extension JobClaimer {
    /// Inserts `request` as a job already running for `workerID`: work a process does itself, in
    /// the foreground (an operator's `holdfast restore apply`), that must take the same per-tenant
    /// exclusivity as a claimed job (invariant 1, enforced by the `jobs_tenant_exclusive_running`
    /// index) and hold a claim its writes are conditional on. The caller keeps the lease alive
    /// (`ForegroundJob` in `Worker` does) and completes or fails the job.
    ///
    /// Throws ``QueueError`` `.tenantBusy` when a backup or restore of the tenant is running, and
    /// `.invalidState` when an unfinished job already has the request's unique key.
    public func claimNew(_ request: EnqueueRequest, workerID: UUID, lease: Duration) async throws -> Job {
        guard !request.kind.rawValue.isEmpty, request.maxAttempts > 0 else {
            throw QueueError(code: .invalidRequest, message: "a job needs a kind and positive max attempts")
        }
        do {
            let row = try await client.query("""
                INSERT INTO jobs (kind, tenant_id, state, priority, run_at, args, attempt, attempt_id, max_attempts, worker_id,
                                  attempted_at, heartbeat_at, lease_expires_at, unique_key)
                VALUES (\(request.kind.rawValue), \(request.tenantID), 'running', \(request.priority), now(), \(request.arguments)::jsonb,
                        1, gen_random_uuid(), \(request.maxAttempts), \(workerID), now(), now(),
                        now() + make_interval(secs => \(lease.seconds)), \(request.uniqueKey))
                RETURNING \(unescaped: Job.columns)
                """).first
            return try Job(row: try row.orThrow(QueueError(code: .storage, message: "the foreground job's insert returned no row")))
        } catch let error as PostgresError where error.sqlState == SQLState.uniqueViolation {
            if error.constraint == "jobs_tenant_exclusive_running" {
                let tenant = request.tenantID?.uuidString.lowercased() ?? "?"
                throw QueueError(code: .tenantBusy, message: "tenant \(tenant) is busy: a backup or restore of it is running; try again once it has ended (`holdfast jobs list`)",
                                 underlying: error)
            }
            throw QueueError(code: .invalidState, message: "a job with key '\(request.uniqueKey ?? "")' is already queued or running", underlying: error)
        } catch let error as QueueError {
            throw error
        } catch {
            throw QueueError(code: .storage, message: "starting the foreground job failed: \(error)", underlying: error)
        }
    }
}

extension Optional {
    fileprivate func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}
