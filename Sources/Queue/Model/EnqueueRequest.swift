public import Foundation

/// A job to put in the queue.
public struct EnqueueRequest: Sendable, Hashable {
    public var kind: JobKind
    public var tenantID: UUID?
    /// JSON text (an object).
    public var arguments: String
    /// Lower runs first. Default 100.
    public var priority: Int
    /// `nil`: now. A future time makes the job `scheduled` until then.
    public var runAt: Date?
    public var maxAttempts: Int
    /// While a job with this key is scheduled, available, running or retryable, enqueuing another
    /// returns that job instead.
    public var uniqueKey: String?

    public init(
        kind: JobKind, tenantID: UUID? = nil, arguments: String = "{}", priority: Int = 100, runAt: Date? = nil,
        maxAttempts: Int = 5, uniqueKey: String? = nil
    ) {
        self.kind = kind
        self.tenantID = tenantID
        self.arguments = arguments
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
    }

    /// Encodes `arguments` as JSON with sorted keys.
    public init(
        kind: JobKind, tenantID: UUID? = nil, encoding arguments: some Encodable, priority: Int = 100, runAt: Date? = nil,
        maxAttempts: Int = 5, uniqueKey: String? = nil
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text: String
        do {
            text = String(decoding: try encoder.encode(arguments), as: UTF8.self)
        } catch {
            throw QueueError(code: .invalidArguments, message: "cannot encode \(type(of: arguments)) as job arguments: \(error)")
        }
        self.init(kind: kind, tenantID: tenantID, arguments: text, priority: priority, runAt: runAt,
                  maxAttempts: maxAttempts, uniqueKey: uniqueKey)
    }
}

extension EnqueueRequest {
    /// A job of `Arguments.kind` with `arguments`, validated now (the enqueuer checks again).
    public init<Arguments: JobArguments>(
        _ arguments: Arguments, tenantID: UUID? = nil, priority: Int = 100, runAt: Date? = nil, maxAttempts: Int = 5,
        uniqueKey: String? = nil
    ) throws {
        try arguments.validate()
        try self.init(kind: Arguments.kind, tenantID: tenantID, encoding: arguments, priority: priority, runAt: runAt,
                      maxAttempts: maxAttempts, uniqueKey: uniqueKey)
    }
}

/// What an enqueue did: the job, and whether it is new or an existing one with the same unique key.
public struct EnqueueResult: Sendable, Hashable {
    public var job: Job
    /// False when a job with the same unique key was already pending and is returned instead.
    public var inserted: Bool

    public init(job: Job, inserted: Bool) {
        self.job = job
        self.inserted = inserted
    }
}
