import Foundation
public import Logging

/// Runs the jobs of one kind. One type per kind, registered with the worker.
///
/// A handler is cancelled (Swift task cancellation) when an operator cancels its job, when its
/// worker loses the lease, or when a graceful shutdown's deadline passes; it should stop promptly.
public protocol JobHandler: Sendable {
    var kind: JobKind { get }
    /// Runs one attempt. Returning completes the job; throwing fails the attempt (retried with
    /// backoff) unless the error is a ``PermanentJobError``, which discards the job at once.
    func run(_ job: Job, context: JobContext) async throws
    /// True when every successful run commits its outcome itself and records it with
    /// ``JobClaim/recordOutcome(on:)`` (a backup's snapshot): the job then completes only on a
    /// database that has that record. False by default.
    var recordsOutcome: Bool { get }
}

extension JobHandler {
    public var recordsOutcome: Bool { false }
}

/// What a handler can do besides its work: log with the job's metadata, report progress, and
/// check that its worker still holds the job's lease.
public struct JobContext: Sendable {
    public let claim: JobClaim
    public let logger: Logger
    private let progressReporter: @Sendable (String) async throws -> Void
    private let leaseCheck: @Sendable () -> Bool

    /// `leaseCheck` answers whether the worker renewed the lease recently enough to keep writing
    /// (default: always, for handlers run outside a worker).
    public init(claim: JobClaim, logger: Logger, leaseCheck: @escaping @Sendable () -> Bool = { true },
                progressReporter: @escaping @Sendable (String) async throws -> Void) {
        self.claim = claim
        self.logger = logger
        self.leaseCheck = leaseCheck
        self.progressReporter = progressReporter
    }

    /// False once the worker could not renew the job's lease in time (the handler is being
    /// cancelled). Checked right before writes the database cannot make conditional on the claim,
    /// such as a restore's Graph requests.
    public var leaseIsCurrent: Bool { leaseCheck() && !Task.isCancelled }

    /// Throws ``QueueError`` `.claimLost` unless ``leaseIsCurrent``.
    public func checkLease() throws {
        guard leaseIsCurrent else {
            throw QueueError(code: .claimLost, message: "job \(claim.jobID) attempt \(claim.attempt) no longer holds a current lease; it stops writing")
        }
    }

    /// Stores `json` as the job's progress; ignored if the worker no longer holds the job.
    public func reportProgress(_ json: String) async throws {
        try await progressReporter(json)
    }

    public func reportProgress(encoding value: some Encodable) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await progressReporter(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}

/// Thrown by a handler when retrying cannot help (for example: the tenant's credentials were
/// revoked). The job is discarded at once, with this error recorded.
public struct PermanentJobError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var underlying: (any Error)?

    public init(_ message: String, underlying: (any Error)? = nil) {
        self.message = message
        self.underlying = underlying
    }

    public var description: String { message }
}
