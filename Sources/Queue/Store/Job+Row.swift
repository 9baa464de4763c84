import Foundation
import Postgres

extension Job {
    /// The columns every query that returns jobs selects, in `Job(row:)`'s terms.
    static let columns = """
        id, kind, tenant_id, state, priority, run_at, args, attempt, max_attempts, worker_id, lease_expires_at, \
        heartbeat_at, attempted_at, progress, errors, unique_key, cancel_requested, created_at, finalized_at, attempt_id
        """

    /// `columns(of: "jobs")`, computed once: the claim statement's text is built for every claim.
    static let columnsOfJobsTable = columns(of: "jobs")

    /// The same columns qualified by a table alias.
    static func columns(of alias: String) -> String {
        columns.split(separator: ",").map { "\(alias).\($0.trimmingCharacters(in: .whitespaces))" }.joined(separator: ", ")
    }

    init(row: PostgresRow) throws {
        let stateText = try row.decode(String.self, "state")
        guard let state = JobState(rawValue: stateText) else {
            throw QueueError(code: .storage, message: "job has unknown state '\(stateText)'")
        }
        let errorsText = try row.decode(String.self, "errors")
        var errors: [AttemptError] = []
        // Most jobs never failed: skip building a decoder for them (claims decode thousands a second).
        if errorsText != "[]" {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .secondsSince1970
            do {
                errors = try decoder.decode([AttemptError].self, from: Data(errorsText.utf8))
            } catch {
                throw QueueError(code: .storage, message: "job has unreadable attempt errors", underlying: error)
            }
        }
        self.init(
            id: try row.decode(Int64.self, "id"),
            kind: JobKind(try row.decode(String.self, "kind")),
            tenantID: try row.decode(UUID?.self, "tenant_id"),
            state: state,
            priority: try row.decode(Int.self, "priority"),
            runAt: try row.decode(Date.self, "run_at"),
            arguments: try row.decode(String.self, "args"),
            attempt: try row.decode(Int.self, "attempt"),
            maxAttempts: try row.decode(Int.self, "max_attempts"),
            workerID: try row.decode(UUID?.self, "worker_id"),
            leaseExpiresAt: try row.decode(Date?.self, "lease_expires_at"),
            heartbeatAt: try row.decode(Date?.self, "heartbeat_at"),
            attemptedAt: try row.decode(Date?.self, "attempted_at"),
            progress: try row.decode(String?.self, "progress"),
            errors: errors,
            uniqueKey: try row.decode(String?.self, "unique_key"),
            cancelRequested: try row.decode(Bool.self, "cancel_requested"),
            createdAt: try row.decode(Date.self, "created_at"),
            finalizedAt: try row.decode(Date?.self, "finalized_at"),
            attemptID: try row.decode(UUID?.self, "attempt_id")
        )
    }
}

/// Wraps database failures in ``QueueError`` with the operation's name, keeping the cause.
@discardableResult
func storage<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as QueueError {
        throw error
    } catch let error as CancellationError {
        throw error
    } catch {
        throw QueueError(code: .storage, message: "\(operation) failed: \(error)", underlying: error)
    }
}

extension Error {
    /// True when retrying may succeed: the connection broke, the server is restarting, or the
    /// statement lost a deadlock or serialization conflict.
    public var isTransientDatabaseError: Bool {
        if let error = self as? PostgresError {
            return error.isTransientConnectionError
                || error.sqlState == SQLState.deadlockDetected || error.sqlState == SQLState.serializationFailure
        }
        if let error = self as? QueueError, let underlying = error.underlying { return underlying.isTransientDatabaseError }
        return false
    }
}
