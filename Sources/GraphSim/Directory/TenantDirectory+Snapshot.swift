import Foundation

/// A tenant's whole state as JSON: for assertions in tests (the admin API's state dump) and for
/// the state file.
extension TenantDirectory {
    static let childTypes: [ResourceType] = [
        .authenticationMethod, .federatedIdentityCredential, .extensionProperty, .groupSetting, .scopedRoleMembership,
        .synchronizationJob, .synchronizationSchema,
    ]

    /// `objects` (top-level collections by type), `children` (by type, then parent id),
    /// `deletedItems` (by type) and `relationships`. With `asGraphReturnsThem`, applications' and
    /// service principals' key credentials carry their public keys, as Graph returns them with
    /// `$select=keyCredentials` (the state file keeps them apart, as the directory does).
    func snapshot(asGraphReturnsThem: Bool = false) -> JSONObject {
        var objects = JSONObject()
        var children = JSONObject()
        for type in ResourceType.all {
            let isChild = Self.childTypes.contains(type)
            if isChild {
                var byParent = JSONObject()
                for (key, index) in collections where key.type == type.name {
                    guard let parent = key.parent, !index.isEmpty else { continue }
                    byParent[parent] = .array(index.elements.map { .object($0.object) })
                }
                children[type.name] = .object(byParent)
                // Group settings also exist tenant-wide, without a parent.
                if let index = collections[CollectionKey(type)], !index.isEmpty {
                    objects[type.name] = .array(index.elements.map { .object($0.object) })
                }
            } else if let index = collections[CollectionKey(type)] {
                let withKeys = asGraphReturnsThem && (type == .application || type == .servicePrincipal)
                objects[type.name] = .array(index.elements.map { .object(withKeys ? withKeyCredentialKeys($0).object : $0.object) })
            } else {
                objects[type.name] = []
            }
        }
        var deletedItems = JSONObject()
        for type in ResourceType.all where type.softDeletes {
            deletedItems[type.name] = .array(deletedCollection(type).elements.map { .object($0.object) })
        }
        func edges(_ set: EdgeSet) -> JSONValue {
            var object = JSONObject()
            for (source, targets) in set.forward.sorted(by: { $0.key < $1.key }) {
                object[source] = .strings(targets.elements)
            }
            return .object(object)
        }
        var managers = JSONObject()
        for (user, targets) in self.managers.forward.sorted(by: { $0.key < $1.key }) {
            if let manager = targets.elements.first { managers[user] = .string(manager) }
        }
        return [
            "tenantId": .string(tenantId),
            "initialDomain": .string(initialDomain),
            "displayName": .string(displayName),
            "version": .int(Int(truncatingIfNeeded: version)),
            "objects": .object(objects),
            "children": .object(children),
            "deletedItems": .object(deletedItems),
            "relationships": [
                "members": edges(memberships),
                "owners": edges(owners),
                "manager": .object(managers),
                "registeredOwners": edges(registeredOwners),
                "policyAssignments": edges(policyAssignments),
                "appRoleAssignmentsByPrincipal": edges(appRoleAssignmentsByPrincipal),
                "appRoleAssignmentsByResource": edges(appRoleAssignmentsByResource),
            ],
        ]
    }

    /// What the state file needs beyond the snapshot: change logs, resync epochs, keys.
    func persistenceExtras() -> JSONObject {
        var logs = JSONObject()
        for (name, log) in changeLogs {
            logs[name] = .array(log.entries.map { entry in
                [.int(Int(truncatingIfNeeded: entry.version)), .string(entry.id), .string(entry.member)]
            })
        }
        var epochs = JSONObject()
        for (name, epoch) in resyncEpochs { epochs[name] = .int(epoch) }
        var keys = JSONObject()
        for (keyId, key) in keyCredentialKeys { keys[keyId] = .string(key) }
        var former = JSONObject()
        for (id, type) in formerTypes { former[id] = .string(type.name) }
        return ["changeLogs": .object(logs), "resyncEpochs": .object(epochs), "keyCredentialKeys": .object(keys),
                "formerTypes": .object(former)]
    }

    /// Rebuilds a directory from ``snapshot()`` and ``persistenceExtras()``.
    init(snapshot: JSONObject, extras: JSONObject, seed: UInt64) throws {
        guard let tenantId = snapshot["tenantId"]?.stringValue, let domain = snapshot["initialDomain"]?.stringValue,
              let displayName = snapshot["displayName"]?.stringValue else {
            throw SimulatorError(.stateFile, "a tenant in the state file has no tenantId, initialDomain or displayName")
        }
        self.init(tenantId: tenantId, initialDomain: domain, displayName: displayName,
                  random: DeterministicRandom(seed: seed, salt: "restored:" + tenantId))
        func key(_ object: JSONObject) -> String {
            object["id"]?.stringValue ?? object["tenantId"]?.stringValue ?? ""
        }
        for type in ResourceType.all {
            if Self.childTypes.contains(type) {
                for member in snapshot["children"]?[type.name]?.objectValue ?? [:] {
                    for case .object(let object) in member.value.arrayValue ?? [] {
                        insert(type, object, parent: member.key, key: key(object))
                    }
                }
                for case .object(let object) in snapshot["objects"]?[type.name]?.arrayValue ?? [] {
                    insert(type, object, key: key(object))
                }
            } else {
                for case .object(let object) in snapshot["objects"]?[type.name]?.arrayValue ?? [] {
                    insert(type, object, key: key(object))
                }
            }
        }
        changeLogs = [:]
        for type in ResourceType.all where type.softDeletes {
            for case .object(let object) in snapshot["deletedItems"]?[type.name]?.arrayValue ?? [] {
                insert(type, object, key: key(object))
                let date = object["deletedDateTime"]?.stringValue.flatMap(Timestamp.parse) ?? Date()
                softDelete(type, key(object), at: date)
                // softDelete stamps the time again; keep the original.
                deleted[type.name]?.update(key(object)) { entity in
                    entity = Entity(id: entity.id, object: object, version: entity.version)
                }
            }
        }
        let relationships = snapshot["relationships"]?.objectValue ?? [:]
        func load(_ name: String, into set: inout EdgeSet) {
            for member in relationships[name]?.objectValue ?? [:] {
                for target in member.value.stringArray { set.add(member.key, target) }
            }
        }
        load("members", into: &memberships)
        load("owners", into: &owners)
        load("registeredOwners", into: &registeredOwners)
        load("policyAssignments", into: &policyAssignments)
        load("appRoleAssignmentsByPrincipal", into: &appRoleAssignmentsByPrincipal)
        load("appRoleAssignmentsByResource", into: &appRoleAssignmentsByResource)
        for member in relationships["manager"]?.objectValue ?? [:] {
            if let manager = member.value.stringValue { managers.add(member.key, manager) }
        }
        changeLogs = [:]
        for member in extras["changeLogs"]?.objectValue ?? [:] {
            var log = ChangeLog()
            for case .array(let entry) in member.value.arrayValue ?? [] where entry.count == 3 {
                log.append(version: UInt64(max(0, entry[0].intValue ?? 0)), id: entry[1].stringValue ?? "",
                           member: entry[2].stringValue)
            }
            changeLogs[member.key] = log
        }
        for member in extras["resyncEpochs"]?.objectValue ?? [:] { resyncEpochs[member.key] = member.value.intValue ?? 0 }
        for member in extras["keyCredentialKeys"]?.objectValue ?? [:] { keyCredentialKeys[member.key] = member.value.stringValue }
        for member in extras["formerTypes"]?.objectValue ?? [:] {
            if let type = member.value.stringValue.flatMap(ResourceType.named) { formerTypes[member.key] = type }
        }
        let savedVersion = UInt64(max(0, snapshot["version"]?.intValue ?? 0))
        advanceVersion(to: savedVersion)
    }
}
