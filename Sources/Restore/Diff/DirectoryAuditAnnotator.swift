public import Foundation
public import Graph
public import Logging
import Vault

/// Adds who-did-it to a change set from the tenant's directory audit log, when the tenant's app
/// may read it (`AuditLog.Read.All`); without that permission the change set is returned as is.
public struct DirectoryAuditAnnotator: Sendable {
    let session: GraphSession
    let logger: Logger

    public init(session: GraphSession, logger: Logger) {
        self.session = session
        self.logger = logger
    }

    /// Annotates each change with the audit entries since `since` that target one of its ids.
    public func annotate(_ changes: ChangeSet, since: Date) async throws -> ChangeSet {
        var actorsByTarget: [String: [ObjectChange.Actor]] = [:]
        do {
            try await DirectoryAuditLog(session: self.session).forEachEntry(since: since) { entry in
                guard let activity = entry["activityDisplayName"]?.stringValue,
                      let at = entry["activityDateTime"]?.stringValue.flatMap(GraphTimestamp.parse) else { return }
                let initiator = entry["initiatedBy"]
                let name = initiator?["user"]?["userPrincipalName"]?.stringValue
                    ?? initiator?["app"]?["displayName"]?.stringValue ?? "unknown"
                for target in entry["targetResources"]?.arrayValue ?? [] {
                    if let id = target["id"]?.stringValue?.lowercased() {
                        actorsByTarget[id, default: []].append(.init(name: name, activity: activity, at: at))
                    }
                }
            }
        } catch let error as GraphError where error.isPermissionMissing {
            self.logger.notice("the tenant does not grant AuditLog.Read.All: the diff has no who-did-it",
                               metadata: ["tenant.id": "\(changes.tenantID.uuidString.lowercased())"])
            return changes
        }
        var annotated = changes
        for index in annotated.changes.indices {
            let ids = annotated.changes[index].objectIDs.map { $0.lowercased() }
            // A relationship's change is logged against both ends; the object's own entries are enough.
            let own = ids.count > 1 ? [ids[0], ids[1]] : ids
            var seen = Set<ObjectChange.Actor>()
            annotated.changes[index].actors = own.flatMap { actorsByTarget[$0] ?? [] }.filter { seen.insert($0).inserted }
                .sorted { $0.at < $1.at }
        }
        return annotated
    }
}
