import Foundation

extension GraphSimulator {
    /// Applies an incident to a tenant. `actor` is who the audit log says did it (an attacker's
    /// account, a script's app); by default graph-sim's own admin.
    @discardableResult
    public func apply(_ incident: Incident, tenant nameOrId: String, actor: Actor = .administrator("graph-sim incident")) throws -> IncidentResult {
        let tenant = try requireTenant(nameOrId)
        let now = clock.now
        let protectedAppIds = Set(appTable.withLockedValue { table in table.values.filter { $0.homeTenantId == tenant.id }.map(\.clientId) })
        return try tenant.withDirectory { directory -> IncidentResult in
            func choose(_ type: ResourceType, count: Int, ids: [String], where include: (Entity) -> Bool = { _ in true }) throws -> [Entity] {
                if !ids.isEmpty {
                    return try ids.map { id in
                        guard let entity = directory.entity(type, id) else {
                            throw SimulatorError(.notFound, "no \(type.name) '\(id)' in tenant \(tenant.name)")
                        }
                        return entity
                    }
                }
                let candidates = directory.collection(type).all(where: include)
                return directory.random.distinctIndices(min(count, candidates.count), below: max(candidates.count, 1))
                    .filter { $0 < candidates.count }.map { candidates[$0] }
            }
            func delete(_ type: ResourceType, _ entities: [Entity]) throws {
                for entity in entities {
                    try directory.delete(type, entity, parent: nil, actor: actor, now: now, fromGraph: false)
                }
            }
            switch incident {
            case .deleteUsers(let count, let ids):
                let users = try choose(.user, count: count, ids: ids) { $0.object["userType"]?.stringValue == "Member" }
                try delete(.user, users)
                return IncidentResult(affectedIds: users.map(\.id), description: "deleted \(users.count) users")
            case .hardDeleteUsers(let count, let ids):
                let users = try choose(.user, count: count, ids: ids) { $0.object["userType"]?.stringValue == "Member" }
                try delete(.user, users)
                for user in users {
                    if let (type, entity) = directory.purge(user.id) {
                        directory.audit(activity: "Hard Delete user", category: "UserManagement", operationType: "Delete",
                                        actor: actor, targets: [directory.auditTarget(type, entity)], at: now)
                    }
                }
                return IncidentResult(affectedIds: users.map(\.id), description: "hard-deleted \(users.count) users")
            case .deleteGroups(let count, let ids, let kind):
                let groups = try choose(.group, count: count, ids: ids) { entity in
                    let unified = entity.object["groupTypes"]?.stringArray.contains("Unified") == true
                    switch kind {
                    case .any: return true
                    case .security: return !unified && entity.object["securityEnabled"]?.boolValue == true
                    case .unified: return unified
                    }
                }
                try delete(.group, groups)
                return IncidentResult(affectedIds: groups.map(\.id), description: "deleted \(groups.count) groups")
            case .deleteApplications(let count, let ids):
                let apps = try choose(.application, count: count, ids: ids) { entity in
                    !protectedAppIds.contains(entity.object["appId"]?.stringValue?.lowercased() ?? "")
                }
                try delete(.application, apps)
                return IncidentResult(affectedIds: apps.map(\.id), description: "deleted \(apps.count) applications")
            case .changeAttribute(let typeName, let count, let ids, let property, let value):
                guard let type = ResourceType.named(typeName) else {
                    throw SimulatorError(.invalidArgument, "unknown type '\(typeName)'")
                }
                guard type.isKnownProperty(property) else {
                    throw SimulatorError(.invalidArgument, "'\(property)' is not a property of \(type.name)")
                }
                let objects = try choose(type, count: count, ids: ids)
                for object in objects {
                    let old = object.object[property] ?? .null
                    if let updated = directory.update(type, object.id, { $0[property] = value }) {
                        directory.audit(activity: Self.activity("Update", type), category: Self.category(type),
                                        operationType: "Update", actor: actor,
                                        targets: [directory.auditTarget(type, updated, modified: [(property, old, value)])], at: now)
                    }
                }
                return IncidentResult(affectedIds: objects.map(\.id), description: "changed \(property) on \(objects.count) \(type.name) objects")
            case .deleteConditionalAccessPolicies(let count, let ids):
                let policies = try choose(.conditionalAccessPolicy, count: count, ids: ids)
                try delete(.conditionalAccessPolicy, policies)
                return IncidentResult(affectedIds: policies.map(\.id), description: "deleted \(policies.count) conditional access policies")
            case .weakenConditionalAccessPolicies(let count, let ids, let excluded):
                let policies = try choose(.conditionalAccessPolicy, count: count, ids: ids) {
                    $0.object["state"]?.stringValue == "enabled"
                }
                for policy in policies {
                    let old = policy.object
                    let updated = directory.update(.conditionalAccessPolicy, policy.id) { object in
                        object["state"] = "enabledForReportingButNotEnforced"
                        object["modifiedDateTime"] = .string(Timestamp.formatPrecise(now))
                        if case .object(var grant)? = object["grantControls"] {
                            let kept = grant["builtInControls"]?.stringArray.filter { $0 != "mfa" && $0 != "compliantDevice" } ?? []
                            grant["builtInControls"] = .strings(kept.isEmpty ? ["approvedApplication"] : kept)
                            object["grantControls"] = .object(grant)
                        }
                        if !excluded.isEmpty, case .object(var conditions)? = object["conditions"],
                           case .object(var users)? = conditions["users"] {
                            users["excludeUsers"] = .strings((users["excludeUsers"]?.stringArray ?? []) + excluded)
                            conditions["users"] = .object(users)
                            object["conditions"] = .object(conditions)
                        }
                    }
                    if let updated {
                        directory.audit(activity: "Update conditional access policy", category: "Policy", operationType: "Update",
                                        actor: actor,
                                        targets: [directory.auditTarget(.conditionalAccessPolicy, updated, modified: [
                                            ("state", old["state"] ?? .null, updated.object["state"] ?? .null),
                                            ("grantControls", old["grantControls"] ?? .null, updated.object["grantControls"] ?? .null),
                                        ])], at: now, loggedByService: "Conditional Access")
                    }
                }
                return IncidentResult(affectedIds: policies.map(\.id), description: "weakened \(policies.count) conditional access policies")
            case .removeRoleAssignments(let count, let ids, let role):
                // Direct assignments only: PIM's (activations, time-bound ones) are removed through PIM.
                let managed = Set(directory.collection(.unifiedRoleAssignmentScheduleInstance).elements
                    .compactMap { $0.object["roleAssignmentOriginId"]?.stringValue })
                let assignments = try choose(.unifiedRoleAssignment, count: count, ids: ids) { entity in
                    !managed.contains(entity.id)
                        && (role.map { entity.object["roleDefinitionId"]?.stringValue?.lowercased() == $0.lowercased() } ?? true)
                }
                for assignment in assignments {
                    directory.unassignRole(assignment)
                    directory.audit(activity: "Remove member from role", category: "RoleManagement", operationType: "Unassign",
                                    actor: actor, targets: [directory.auditTarget(.unifiedRoleAssignment, assignment)], at: now)
                }
                return IncidentResult(affectedIds: assignments.map(\.id), description: "removed \(assignments.count) role assignments")
            case .removeRoleEligibilities(let count, let ids, let role):
                let eligibilities = try choose(.unifiedRoleEligibilitySchedule, count: count, ids: ids) { entity in
                    role.map { entity.object["roleDefinitionId"]?.stringValue?.lowercased() == $0.lowercased() } ?? true
                }
                for eligibility in eligibilities {
                    directory.remove(.unifiedRoleEligibilitySchedule, eligibility.id)
                    directory.audit(activity: "Remove eligible member from role in PIM completed", category: "RoleManagement",
                                    operationType: "Delete", actor: actor,
                                    targets: [directory.auditTarget(.unifiedRoleEligibilitySchedule, eligibility)], at: now,
                                    loggedByService: "PIM")
                }
                return IncidentResult(affectedIds: eligibilities.map(\.id), description: "removed \(eligibilities.count) role eligibilities")
            case .removeGroupMembers(let groupId, let count):
                guard let group = directory.entity(.group, groupId) else { throw SimulatorError(.notFound, "no group '\(groupId)'") }
                let members = directory.liveMembers(of: group.id)
                let chosen = directory.random.distinctIndices(min(count, members.count), below: max(members.count, 1))
                    .filter { $0 < members.count }.map { members[$0] }
                for member in chosen {
                    directory.removeMember(member, from: group.id)
                    let target = directory.directoryObject(member).map { directory.auditTarget($0.type, $0.entity) }
                        ?? AuditTarget(id: member, displayName: nil, type: "Other")
                    directory.audit(activity: "Remove member from group", category: "GroupManagement", operationType: "Unassign",
                                    actor: actor, targets: [target, directory.auditTarget(.group, group)], at: now)
                }
                return IncidentResult(affectedIds: chosen, description: "removed \(chosen.count) members from \(group.id)")
            case .addGroupMembers(let groupId, let count):
                guard let group = directory.entity(.group, groupId) else { throw SimulatorError(.notFound, "no group '\(groupId)'") }
                let candidates = directory.collection(.user).all {
                    $0.object["userType"]?.stringValue == "Member" && !directory.memberships.contains(group.id, $0.id)
                }
                let chosen = directory.random.distinctIndices(min(count, candidates.count), below: max(candidates.count, 1))
                    .filter { $0 < candidates.count }.map { candidates[$0] }
                for user in chosen {
                    directory.addMember(user.id, to: group.id)
                    directory.audit(activity: "Add member to group", category: "GroupManagement", operationType: "Assign",
                                    actor: actor, targets: [directory.auditTarget(.user, user), directory.auditTarget(.group, group)],
                                    at: now)
                }
                return IncidentResult(affectedIds: chosen.map(\.id), description: "added \(chosen.count) members to \(group.id)")
            case .createUsers(let count):
                var created: [String] = []
                let domain = directory.collection(.domain).all { $0.object["isDefault"]?.boolValue == true }.first?.id
                    ?? directory.initialDomain
                for _ in 0..<count {
                    let first = directory.random.pick(NameData.firstNames)
                    let last = directory.random.pick(NameData.lastNames)
                    let nickname = "\(first).\(last).\(directory.random.string(4))".lowercased().filter { $0.isLetter || $0.isNumber || $0 == "." }
                    let entity = try directory.createUser([
                        "accountEnabled": true,
                        "displayName": .string("\(first) \(last)"),
                        "givenName": .string(first),
                        "surname": .string(last),
                        "mailNickname": .string(nickname),
                        "userPrincipalName": .string("\(nickname)@\(domain)"),
                        "passwordProfile": ["password": .string(directory.random.string(16)), "forceChangePasswordNextSignIn": true],
                    ], now: now)
                    directory.audit(activity: "Add user", category: "UserManagement", operationType: "Add", actor: actor,
                                    targets: [directory.auditTarget(.user, entity)], at: now)
                    created.append(entity.id)
                }
                return IncidentResult(affectedIds: created, description: "created \(created.count) users")
            case .purgeDeletedItems(let types):
                let wanted = types.isEmpty ? nil : Set(types)
                var purged: [String] = []
                for type in ResourceType.all where type.softDeletes && (wanted?.contains(type.name) ?? true) {
                    for entity in directory.deletedCollection(type).elements {
                        if let (type, removed) = directory.purge(entity.id) {
                            directory.audit(activity: "Hard " + Self.activity("Delete", type), category: Self.category(type),
                                            operationType: "Delete", actor: actor,
                                            targets: [directory.auditTarget(type, removed)], at: now)
                            purged.append(removed.id)
                        }
                    }
                }
                return IncidentResult(affectedIds: purged, description: "purged \(purged.count) deleted items")
            }
        }
    }

    /// Makes delta tokens of `types` (all delta types by default) answer 410 Gone, forcing a full
    /// resynchronization.
    public func forceResync(tenant nameOrId: String, types: [ResourceType] = ResourceType.deltaTypes) throws {
        let tenant = try requireTenant(nameOrId)
        tenant.withDirectory { $0.forceResync(types) }
    }
}

extension GraphSimulator {
    /// A tenant's whole state for assertions: `objects` by type, `children` (authentication
    /// methods, federated credentials, …) by type and parent, `deletedItems` by type, and
    /// `relationships` (members, owners, manager, registered owners, policy assignments). Objects
    /// have every property, as Graph returns them with a full `$select` (key credentials with
    /// their public keys).
    public func state(tenant nameOrId: String) throws -> JSONObject {
        try requireTenant(nameOrId).withDirectory { $0.snapshot(asGraphReturnsThem: true) }
    }
}
