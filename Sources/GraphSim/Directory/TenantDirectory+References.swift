import Foundation

/// Adding and removing references (members, owners, policy assignments) with Graph's checks, and
/// keeping activated directory roles and unified role assignments in step: both describe the same
/// tenant-wide role grants.
extension TenantDirectory {
    static let duplicateMembers = "One or more added object references already exist for the following modified properties: 'members'."
    static let duplicateOwners = "One or more added object references already exist for the following modified properties: 'owners'."

    private func allowedTargets(_ relation: Relation, owner: ResourceType) -> Set<ResourceType> {
        switch (relation, owner) {
        case (.members, .group): return [.user, .group, .servicePrincipal, .device]
        case (.members, .administrativeUnit): return [.user, .group, .device]
        case (.members, .directoryRole): return [.user, .group, .servicePrincipal]
        case (.owners, _): return [.user, .servicePrincipal]
        case (.claimsMappingPolicies, _): return [.claimsMappingPolicy]
        case (.tokenLifetimePolicies, _): return [.tokenLifetimePolicy]
        case (.tokenIssuancePolicies, _): return [.tokenIssuancePolicy]
        case (.homeRealmDiscoveryPolicies, _): return [.homeRealmDiscoveryPolicy]
        case (.appManagementPolicies, _): return [.appManagementPolicy]
        default: return []
        }
    }

    mutating func addReference(_ relation: Relation, owner: ResourceType, key: EntityKey, target: String, context: GraphContext) throws {
        let ownerEntity = try require(owner, key)
        guard let (targetType, targetEntity) = directoryObject(target) else { throw GraphError.notFound(target) }
        guard allowedTargets(relation, owner: owner).contains(targetType) else {
            throw GraphError.badRequest("An object of type '\(targetType.name)' cannot be added to '\(relation.rawValue)' of a \(owner.name).")
        }
        let actor = context.actor
        switch relation {
        case .members:
            if owner == .group {
                if ownerEntity.object["groupTypes"]?.stringArray.contains("DynamicMembership") == true {
                    throw GraphError.badRequest("Insufficient privileges to complete the operation: members of a group with dynamic membership cannot be added or removed.")
                }
                if ownerEntity.object["isAssignableToRole"]?.boolValue == true,
                   !context.caller.roles.contains("RoleManagement.ReadWrite.Directory") {
                    throw GraphError.accessDenied
                }
                if targetEntity.id.lowercased() == ownerEntity.id.lowercased() {
                    throw GraphError.badRequest("A group cannot be a member of itself.")
                }
            }
            if owner == .directoryRole, targetType == .group, targetEntity.object["isAssignableToRole"]?.boolValue != true {
                throw GraphError.badRequest("Only groups with isAssignableToRole set can be assigned to a role.")
            }
            guard addMember(targetEntity.id, to: ownerEntity.id) else {
                throw GraphError.badRequest(Self.duplicateMembers)
            }
            if owner == .directoryRole, let template = ownerEntity.object["roleTemplateId"]?.stringValue {
                insertRoleAssignmentRecord(principal: targetEntity.id, roleDefinition: template, scope: "/")
            }
            let (activity, category) = owner == .group ? ("Add member to group", "GroupManagement")
                : (owner == .directoryRole ? ("Add member to role", "RoleManagement")
                    : ("Add member to administrative unit", "AdministrativeUnit"))
            audit(activity: activity, category: category, operationType: "Assign", actor: actor,
                  targets: [auditTarget(targetType, targetEntity), auditTarget(owner, ownerEntity)], at: context.now)
        case .owners:
            guard owners.add(ownerEntity.id, targetEntity.id) else {
                throw GraphError.badRequest(Self.duplicateOwners)
            }
            touch(owner, ownerEntity.id)
            let activity = owner == .group ? "Add owner to group"
                : (owner == .application ? "Add owner to application" : "Add owner to service principal")
            audit(activity: activity, category: owner == .group ? "GroupManagement" : "ApplicationManagement",
                  operationType: "Assign", actor: actor,
                  targets: [auditTarget(targetType, targetEntity), auditTarget(owner, ownerEntity)], at: context.now)
        case .claimsMappingPolicies, .tokenLifetimePolicies, .tokenIssuancePolicies, .homeRealmDiscoveryPolicies,
             .appManagementPolicies:
            // "Only one policy object can be assigned to an application or service principal."
            let assigned = policyAssignments.targets(of: ownerEntity.id).elements
            if relation == .appManagementPolicies, assigned.contains(where: { $0.lowercased() != targetEntity.id.lowercased() && type(ofLive: $0) == targetType }) {
                throw GraphError.badRequest("The \(owner.name) already has a \(targetType.name) assigned; only one is allowed.")
            }
            guard policyAssignments.add(ownerEntity.id, targetEntity.id) else {
                throw GraphError.badRequest("The policy is already assigned to this object.")
            }
            audit(activity: "Add policy to service principal", category: "Policy", operationType: "Assign", actor: actor,
                  targets: [auditTarget(targetType, targetEntity), auditTarget(owner, ownerEntity)], at: context.now)
        default:
            throw GraphError.methodNotAllowed
        }
    }

    mutating func removeReference(_ relation: Relation, owner: ResourceType, key: EntityKey, target: String, context: GraphContext) throws {
        let ownerEntity = try require(owner, key)
        let actor = context.actor
        let targetTarget: AuditTarget = directoryObject(target).map { auditTarget($0.type, $0.entity) }
            ?? AuditTarget(id: target, displayName: nil, type: "Other")
        switch relation {
        case .members:
            if owner == .group, ownerEntity.object["groupTypes"]?.stringArray.contains("DynamicMembership") == true {
                throw GraphError.badRequest("Insufficient privileges to complete the operation: members of a group with dynamic membership cannot be added or removed.")
            }
            guard removeMember(target, from: ownerEntity.id) else { throw GraphError.notFound(target) }
            if owner == .directoryRole, let template = ownerEntity.object["roleTemplateId"]?.stringValue {
                removeRoleAssignmentRecords(principal: target, roleDefinition: template, scope: "/")
            }
            let (activity, category) = owner == .group ? ("Remove member from group", "GroupManagement")
                : (owner == .directoryRole ? ("Remove member from role", "RoleManagement")
                    : ("Remove member from administrative unit", "AdministrativeUnit"))
            audit(activity: activity, category: category, operationType: "Unassign", actor: actor,
                  targets: [targetTarget, auditTarget(owner, ownerEntity)], at: context.now)
        case .owners:
            guard owners.remove(ownerEntity.id, target) else { throw GraphError.notFound(target) }
            touch(owner, ownerEntity.id)
            let activity = owner == .group ? "Remove owner from group"
                : (owner == .application ? "Remove owner from application" : "Remove owner from service principal")
            audit(activity: activity, category: owner == .group ? "GroupManagement" : "ApplicationManagement",
                  operationType: "Unassign", actor: actor, targets: [targetTarget, auditTarget(owner, ownerEntity)],
                  at: context.now)
        case .claimsMappingPolicies, .tokenLifetimePolicies, .tokenIssuancePolicies, .homeRealmDiscoveryPolicies,
             .appManagementPolicies:
            guard policyAssignments.remove(ownerEntity.id, target) else { throw GraphError.notFound(target) }
            audit(activity: "Remove policy from service principal", category: "Policy", operationType: "Unassign",
                  actor: actor, targets: [targetTarget, auditTarget(owner, ownerEntity)], at: context.now)
        default:
            throw GraphError.methodNotAllowed
        }
    }

    // MARK: Roles

    /// The activated directory role for a built-in role template, activating it when needed.
    mutating func activatedRole(template: String) -> String? {
        if let existing = collection(.directoryRole).all(where: {
            $0.object["roleTemplateId"]?.stringValue?.lowercased() == template.lowercased()
        }).first {
            return existing.id
        }
        guard let definition = WellKnown.roleTemplates.first(where: { $0.id == template.lowercased() }) else { return nil }
        let id = newId()
        insert(.directoryRole, [
            "id": .string(id),
            "deletedDateTime": .null,
            "description": .string(definition.description),
            "displayName": .string(definition.name),
            "roleTemplateId": .string(definition.id),
        ])
        return id
    }

    /// A unified role assignment record (without touching directory role membership).
    @discardableResult
    mutating func insertRoleAssignmentRecord(principal: String, roleDefinition: String, scope: String) -> Entity {
        if let existing = collection(.unifiedRoleAssignment).all(where: {
            $0.object["principalId"]?.stringValue?.lowercased() == principal.lowercased()
                && $0.object["roleDefinitionId"]?.stringValue?.lowercased() == roleDefinition.lowercased()
                && $0.object["directoryScopeId"]?.stringValue == scope
        }).first {
            return existing
        }
        var id = ObjectTemplates.compositeId([roleDefinition, principal]) + "-1"
        if scope != "/" || entity(.unifiedRoleAssignment, id) != nil {
            id += "-" + random.string(4)
        }
        return insert(.unifiedRoleAssignment, [
            "id": .string(id),
            "principalId": .string(principal),
            "resourceScope": .string(scope),
            "directoryScopeId": .string(scope),
            "roleDefinitionId": .string(roleDefinition),
        ])
    }

    mutating func removeRoleAssignmentRecords(principal: String, roleDefinition: String, scope: String) {
        let matching = collection(.unifiedRoleAssignment).all {
            $0.object["principalId"]?.stringValue?.lowercased() == principal.lowercased()
                && $0.object["roleDefinitionId"]?.stringValue?.lowercased() == roleDefinition.lowercased()
                && $0.object["directoryScopeId"]?.stringValue == scope
        }
        for entity in matching { remove(.unifiedRoleAssignment, entity.id) }
    }

    /// A new role assignment, reflected in the directory role's members (tenant scope) or the
    /// administrative unit's scoped role members.
    mutating func assignRole(principal: String, roleDefinition: String, scope: String) -> Entity {
        let record = insertRoleAssignmentRecord(principal: principal, roleDefinition: roleDefinition, scope: scope)
        if let role = activatedRole(template: roleDefinition) {
            if scope == "/" {
                addMember(principal, to: role)
            } else if scope.hasPrefix("/administrativeUnits/") {
                let unit = String(scope.dropFirst("/administrativeUnits/".count))
                if entity(.administrativeUnit, unit) != nil {
                    let principalObject = directoryObject(principal)?.entity.object
                    insert(.scopedRoleMembership, [
                        "id": .string(ObjectTemplates.compositeId([role, principal, unit])),
                        "administrativeUnitId": .string(unit),
                        "roleId": .string(role),
                        "roleMemberInfo": [
                            "id": .string(principal),
                            "displayName": principalObject?["displayName"] ?? .null,
                            "userPrincipalName": principalObject?["userPrincipalName"] ?? .null,
                        ],
                    ], parent: unit)
                }
            }
        }
        return record
    }

    /// Removes a role assignment and its reflection.
    mutating func unassignRole(_ assignment: Entity) {
        let object = assignment.object
        remove(.unifiedRoleAssignment, assignment.id)
        guard let principal = object["principalId"]?.stringValue, let definition = object["roleDefinitionId"]?.stringValue,
              let scope = object["directoryScopeId"]?.stringValue else { return }
        guard let role = collection(.directoryRole).all(where: {
            $0.object["roleTemplateId"]?.stringValue?.lowercased() == definition.lowercased()
        }).first?.id else { return }
        if scope == "/" {
            let stillAssigned = collection(.unifiedRoleAssignment).all {
                $0.object["principalId"]?.stringValue?.lowercased() == principal.lowercased()
                    && $0.object["roleDefinitionId"]?.stringValue?.lowercased() == definition.lowercased()
                    && $0.object["directoryScopeId"]?.stringValue == "/"
            }
            if stillAssigned.isEmpty { removeMember(principal, from: role) }
        } else if scope.hasPrefix("/administrativeUnits/") {
            let unit = String(scope.dropFirst("/administrativeUnits/".count))
            for membership in collection(.scopedRoleMembership, parent: unit).all(where: {
                $0.object["roleId"]?.stringValue == role && $0.object["roleMemberInfo"]?["id"]?.stringValue?.lowercased() == principal.lowercased()
            }) {
                remove(.scopedRoleMembership, membership.id, parent: unit)
            }
        }
    }
}
