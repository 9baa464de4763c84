import Foundation
import Queue

/// A job as the API shows it (arguments and progress stay internal).
struct JobResource: Encodable, Sendable {
    struct AttemptErrorResource: Encodable, Sendable {
        var attempt: Int
        var at: Date
        var error: String
        var permanent: Bool
    }

    var id: Int64
    var kind: String
    var tenantID: String?
    var state: String
    var priority: Int
    var runAt: Date
    var attempt: Int
    var maxAttempts: Int
    var workerID: String?
    var attemptedAt: Date?
    var cancelRequested: Bool
    var errors: [AttemptErrorResource]
    var createdAt: Date
    var finalizedAt: Date?

    init(_ job: Job) {
        id = job.id
        kind = job.kind.rawValue
        tenantID = job.tenantID?.apiString
        state = job.state.rawValue
        priority = job.priority
        runAt = job.runAt
        attempt = job.attempt
        maxAttempts = job.maxAttempts
        workerID = job.workerID?.apiString
        attemptedAt = job.attemptedAt
        cancelRequested = job.cancelRequested
        errors = job.errors.map { AttemptErrorResource(attempt: $0.attempt, at: $0.at, error: $0.error, permanent: $0.permanent) }
        createdAt = job.createdAt
        finalizedAt = job.finalizedAt
    }
}
