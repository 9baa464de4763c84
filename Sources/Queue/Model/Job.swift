public import Foundation

/// A job as stored in the queue.
public struct Job: Sendable, Hashable, Identifiable {
    public typealias ID = Int64

    public var id: ID
    public var kind: JobKind
    public var tenantID: UUID?
    public var state: JobState
    /// Lower runs first.
    public var priority: Int
    public var runAt: Date
    /// JSON text of the job's arguments.
    public var arguments: String
    /// 1 for the first run; incremented by each claim (and given back by a graceful hand-back).
    public var attempt: Int
    /// Drawn anew by every claim: names one run of the job, which `attempt` does not (a hand-back
    /// gives its number back). Nil before the first claim.
    public var attemptID: UUID?
    public var maxAttempts: Int
    public var workerID: UUID?
    public var leaseExpiresAt: Date?
    public var heartbeatAt: Date?
    public var attemptedAt: Date?
    /// JSON text the handler last reported, if any.
    public var progress: String?
    /// The error of each failed attempt, oldest first.
    public var errors: [AttemptError]
    public var uniqueKey: String?
    public var cancelRequested: Bool
    public var createdAt: Date
    public var finalizedAt: Date?

    public init(
        id: ID, kind: JobKind, tenantID: UUID?, state: JobState, priority: Int, runAt: Date, arguments: String,
        attempt: Int, maxAttempts: Int, workerID: UUID?, leaseExpiresAt: Date?, heartbeatAt: Date?, attemptedAt: Date?,
        progress: String?, errors: [AttemptError], uniqueKey: String?, cancelRequested: Bool, createdAt: Date, finalizedAt: Date?,
        attemptID: UUID? = nil
    ) {
        self.id = id
        self.kind = kind
        self.tenantID = tenantID
        self.state = state
        self.priority = priority
        self.runAt = runAt
        self.arguments = arguments
        self.attempt = attempt
        self.attemptID = attemptID
        self.maxAttempts = maxAttempts
        self.workerID = workerID
        self.leaseExpiresAt = leaseExpiresAt
        self.heartbeatAt = heartbeatAt
        self.attemptedAt = attemptedAt
        self.progress = progress
        self.errors = errors
        self.uniqueKey = uniqueKey
        self.cancelRequested = cancelRequested
        self.createdAt = createdAt
        self.finalizedAt = finalizedAt
    }

    /// Decodes the arguments into `type`.
    public func decodeArguments<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(arguments.utf8))
        } catch {
            throw QueueError(code: .invalidArguments, message: "job \(id) (\(kind)) has arguments that do not decode as \(T.self): \(error)")
        }
    }

    /// The claim this worker holds on the job: completion and failure writes must match it.
    public var claim: JobClaim? {
        guard state == .running, let workerID, let attemptID else { return nil }
        return JobClaim(jobID: id, workerID: workerID, attempt: attempt, attemptID: attemptID)
    }
}

/// Which worker holds which attempt of a job. Every write a worker makes about a running job, and
/// every write its handler makes (``lock(on:)``), is conditional on this still matching, so a
/// worker that lost its lease cannot overwrite the outcome or the next attempt's work.
public struct JobClaim: Sendable, Hashable {
    public var jobID: Job.ID
    public var workerID: UUID
    public var attempt: Int
    /// The claim's own id (`jobs.attempt_id`), drawn by the claim.
    public var attemptID: UUID

    public init(jobID: Job.ID, workerID: UUID, attempt: Int, attemptID: UUID) {
        self.jobID = jobID
        self.workerID = workerID
        self.attempt = attempt
        self.attemptID = attemptID
    }
}

/// The recorded error of one failed attempt.
public struct AttemptError: Sendable, Hashable, Codable {
    public var attempt: Int
    public var at: Date
    public var error: String
    public var permanent: Bool
    public var workerID: UUID?

    public init(attempt: Int, at: Date, error: String, permanent: Bool, workerID: UUID?) {
        self.attempt = attempt
        self.at = at
        self.error = error
        self.permanent = permanent
        self.workerID = workerID
    }

    enum CodingKeys: String, CodingKey {
        case attempt, at, error, permanent
        case workerID = "worker_id"
    }
}
