public import Foundation
public import Graph
public import Logging
public import Vault

/// Computes what changed in a tenant between two snapshots, or between a snapshot and the live
/// tenant.
public struct ChangeDiffer: Sendable {
    let vault: Vault
    let logger: Logger

    public init(vault: Vault, logger: Logger) {
        self.vault = vault
        self.logger = logger
    }

    /// Between two snapshots of one tenant. Reads only the versions opened or closed in between
    /// (``Vault/changes(tenantID:from:to:)``), then the two blobs of each changed object.
    public func diff(tenantID: UUID, from: Int64, to: Int64, types: Set<String>? = nil) async throws -> ChangeSet {
        var before = TenantObjects()
        var after = TenantObjects()
        for change in try await self.vault.changes(tenantID: tenantID, from: from, to: to, logger: self.logger)
        where types.map({ $0.contains(change.type) }) ?? true {
            if let blob = change.before {
                before[change.type][change.objectID] = try CanonicalJSON.parse(try await self.vault.read(blob, tenantID: tenantID, logger: self.logger))
            }
            if let blob = change.after {
                after[change.type][change.objectID] = try CanonicalJSON.parse(try await self.vault.read(blob, tenantID: tenantID, logger: self.logger))
            }
        }
        return ChangeSet(tenantID: tenantID, from: .snapshot(from), to: .snapshot(to), changes: Self.changes(from: before, to: after))
    }

    /// Between a snapshot and what Graph serves now, for `types` (by default the types a restore
    /// handles: reading every child type of every object live would cost a full backup).
    public func diff(tenantID: UUID, from: Int64, live session: GraphSession,
                     types: Set<String> = RestorableTypes.all) async throws -> ChangeSet {
        let snapshot = try await self.vault.snapshot(id: from, logger: self.logger)
        guard snapshot.tenantID == tenantID else {
            throw RestoreError(.invalidRequest, "snapshot \(from) belongs to another tenant")
        }
        let stored = try await SnapshotObjectReader(vault: self.vault, logger: self.logger).objects(of: snapshot, types: types)
        let live = try await LiveObjectReader(session: session).objects(types: types)
        return ChangeSet(tenantID: tenantID, from: .snapshot(from), to: .live, changes: Self.changes(from: stored, to: live))
    }

    /// Object-by-object comparison of two states. Server-maintained properties that change on
    /// their own (timestamps, sign-in state) are ignored for changed objects.
    public static func changes(from before: TenantObjects, to after: TenantObjects) -> [ObjectChange] {
        var changes: [ObjectChange] = []
        for type in Set(before.types.keys).union(after.types.keys).sorted() {
            let entry = ResourceCatalogue.entry(named: type)
            let relationship = entry?.kind == .relationship
            let old = before[type]
            let new = after[type]
            for key in Set(old.keys).union(new.keys).sorted() {
                let name = Self.displayName(new[key] ?? old[key])
                switch (old[key], new[key]) {
                case (nil, let added?):
                    changes.append(ObjectChange(type: type, key: key, kind: .added, isRelationship: relationship, displayName: name,
                                                details: Self.details(added)))
                case (let removed?, nil):
                    changes.append(ObjectChange(type: type, key: key, kind: .removed, isRelationship: relationship, displayName: name,
                                                details: Self.details(removed)))
                case (let a?, let b?):
                    let attributes = AttributeChange.between(a, b, ignoring: Self.volatile)
                    if !attributes.isEmpty {
                        changes.append(ObjectChange(type: type, key: key, kind: .changed, isRelationship: relationship,
                                                    displayName: name, attributes: attributes))
                    }
                case (nil, nil):
                    break
                }
            }
        }
        return changes
    }

    /// Set by the service as a consequence of other changes, never by an operator.
    static let volatile: Set<String> = ["modifiedDateTime", "lastModifiedDateTime", "renewedDateTime", "deletedDateTime",
                                        "onPremisesLastSyncDateTime", "signInSessionsValidFromDateTime"]

    static let detailProperties = ["principalId", "roleDefinitionId", "directoryScopeId", "resourceId", "appRoleId", "clientId",
                                   "consentType", "scope", "state", "appId"]

    static func details(_ object: CanonicalJSON) -> [String: String] {
        var details: [String: String] = [:]
        for name in detailProperties {
            if let value = object[name]?.stringValue { details[name] = value }
        }
        return details
    }

    static func displayName(_ object: CanonicalJSON?) -> String? {
        object?["userPrincipalName"]?.stringValue ?? object?["displayName"]?.stringValue
    }
}
