import Foundation
import Vault

/// A committed snapshot's facts (never its delta links, which are Graph URLs with tokens).
struct SnapshotResource: Encodable, Sendable {
    struct MissingTypeResource: Encodable, Sendable {
        var type: String
        var code: String
        var reason: String
    }

    var id: Int64
    var tenantID: String
    var jobID: Int64?
    var kind: String
    var status: String
    var startedAt: Date
    var committedAt: Date
    var durationMs: Int64
    var objectCount: Int64
    var changedCount: Int64
    var newBlobs: Int64
    var bytesAdded: Int64
    var rootHash: String
    var missingTypes: [MissingTypeResource]

    init(_ snapshot: SnapshotSummary) {
        id = snapshot.id
        tenantID = snapshot.tenantID.apiString
        jobID = snapshot.jobID
        kind = snapshot.kind.rawValue
        status = snapshot.status.rawValue
        startedAt = snapshot.startedAt
        committedAt = snapshot.committedAt
        durationMs = snapshot.durationMilliseconds
        objectCount = snapshot.objectCount
        changedCount = snapshot.changedCount
        newBlobs = snapshot.newBlobs
        bytesAdded = snapshot.bytesAdded
        rootHash = "\(snapshot.rootHash)"
        missingTypes = snapshot.missingTypes.map { MissingTypeResource(type: $0.type, code: $0.code, reason: $0.reason) }
    }
}
