import Foundation
import Queue

/// One job in a table (the job list, a tenant's recent jobs).
struct JobRow {
    var id: Int64
    var kind: String
    var tenantID: String?
    var tenantName: String
    var state: String
    var attempt: Int
    var maxAttempts: Int
    var created: String
    var finished: String

    init(_ job: Job, tenantNames: [UUID: String]) {
        id = job.id
        kind = job.kind.rawValue
        tenantID = job.tenantID?.uuidString.lowercased()
        tenantName = job.tenantID.map { tenantNames[$0] ?? $0.uuidString.lowercased() } ?? ""
        state = job.state.rawValue
        attempt = job.attempt
        maxAttempts = job.maxAttempts
        created = ConsoleFormat.time(job.createdAt)
        finished = ConsoleFormat.time(job.finalizedAt)
    }
}
