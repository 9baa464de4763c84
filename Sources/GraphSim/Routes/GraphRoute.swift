import Foundation

/// How a path names an object: by id, or by an alternate key (`applications(appId='…')`).
enum EntityKey: Sendable, Equatable, CustomStringConvertible {
    case id(String)
    case appId(String)
    case roleTemplateId(String)
    case name(String)

    var description: String {
        switch self {
        case .id(let id), .appId(let id), .roleTemplateId(let id), .name(let id): return id
        }
    }
}

/// The object a child collection hangs from (`users/{id}/authentication/methods`).
struct ParentReference: Sendable, Equatable {
    var type: ResourceType
    var key: EntityKey
}

/// Relationships between directory objects, served as collections of directory objects.
enum Relation: String, Sendable {
    case members, owners, memberOf, transitiveMembers, transitiveMemberOf, directReports, manager
    case appRoleAssignments, appRoleAssignedTo, registeredOwners, ownedObjects, oauth2PermissionGrants
    case claimsMappingPolicies, tokenLifetimePolicies, tokenIssuancePolicies, appliesTo
    case homeRealmDiscoveryPolicies, appManagementPolicies

    /// The policy type a policy-assignment navigation (`servicePrincipals/{id}/tokenLifetimePolicies`) lists.
    var assignedPolicyType: ResourceType? {
        switch self {
        case .claimsMappingPolicies: return .claimsMappingPolicy
        case .tokenLifetimePolicies: return .tokenLifetimePolicy
        case .tokenIssuancePolicies: return .tokenIssuancePolicy
        case .homeRealmDiscoveryPolicies: return .homeRealmDiscoveryPolicy
        case .appManagementPolicies: return .appManagementPolicy
        default: return nil
        }
    }
}

/// Actions (OData bound operations) graph-sim implements.
enum GraphAction: String, Sendable {
    case addPassword, removePassword, addKey, removeKey
}

/// A resolved Graph v1.0 path.
enum GraphRoute: Sendable {
    case list(ResourceType, parent: ParentReference?)
    case item(ResourceType, EntityKey, parent: ParentReference?)
    case count(ResourceType)
    case delta(ResourceType)
    case relation(Relation, owner: ResourceType, key: EntityKey, cast: ResourceType?)
    case relationCount(Relation, owner: ResourceType, key: EntityKey, cast: ResourceType?)
    /// `…/members/$ref` (POST), `…/members/{id}/$ref` (DELETE), `manager/$ref` (PUT, DELETE).
    case relationReference(Relation, owner: ResourceType, key: EntityKey, member: String?)
    /// `…/appRoleAssignedTo/{id}` and `…/appRoleAssignments/{id}` (GET, DELETE).
    case relationItem(Relation, owner: ResourceType, key: EntityKey, item: String)
    /// `/directory/deletedItems/microsoft.graph.{type}`; nil type is the unsupported uncast form.
    case deletedItems(ResourceType?)
    case deletedItem(String)
    case restoreDeletedItem(String)
    /// `/identity/conditionalAccess/deletedItems/{policies|namedLocations}`.
    case policyDeletedItems(ResourceType)
    case policyDeletedItem(ResourceType, String)
    case restorePolicyDeletedItem(ResourceType, String)
    case action(GraphAction, owner: ResourceType, key: EntityKey)
    case getByIds
    case directoryObject(String)
    case authenticationMethodConfiguration(String)
    case synchronizationSchema(servicePrincipal: EntityKey, job: String)
    /// `/policies/permissionGrantPolicies[/…]`, the segments after the set.
    case permissionGrantPolicies([String])
    /// `/policies/crossTenantAccessPolicy/partners/{tenantId}/identitySynchronization`.
    case identitySynchronization(partner: EntityKey)
    /// `/policies/authenticationStrengthPolicies[/…]`, the segments after the set.
    case authenticationStrengths([String])
    /// PIM schedules and instances (derived views) and schedule requests; `id` names one.
    case privilegedAccess(ResourceType, id: String?)
    /// `/organization/{id}/branding`: the default branding, or the locale `Accept-Language` names.
    case branding(organization: EntityKey)
    case batch

    /// The type whose permissions and throttling apply.
    var resourceType: ResourceType? {
        switch self {
        case .list(let type, _), .item(let type, _, _), .count(let type), .delta(let type): return type
        case .relation(_, let owner, _, _), .relationCount(_, let owner, _, _), .relationReference(_, let owner, _, _),
             .relationItem(_, let owner, _, _):
            return owner
        case .deletedItems(let type): return type
        case .policyDeletedItems(let type), .policyDeletedItem(let type, _), .restorePolicyDeletedItem(let type, _): return type
        case .action(_, let owner, _): return owner
        case .authenticationMethodConfiguration: return .authenticationMethodsPolicy
        case .synchronizationSchema: return .synchronizationSchema
        case .privilegedAccess(let type, _): return type
        case .authenticationStrengths: return .authenticationStrengthPolicy
        case .permissionGrantPolicies: return .permissionGrantPolicy
        case .identitySynchronization: return .crossTenantIdentitySyncPolicyPartner
        default: return nil
        }
    }

    /// Conditional access and named locations share a 1 request per second limit per tenant.
    var isConditionalAccess: Bool {
        guard let type = resourceType else { return false }
        return type == .conditionalAccessPolicy || type == .namedLocation || type == .authenticationContextClassReference
    }
}

/// Maps path segments below `/v1.0` to a ``GraphRoute``.
enum GraphRouter {
    static func resolve(_ segments: [String]) throws(GraphError) -> GraphRoute {
        guard let first = segments.first else { throw GraphError.segmentNotFound("") }
        let (head, headKey) = splitKey(first)
        let rest = Array(segments.dropFirst())

        switch head {
        case "$batch":
            return .batch
        case "users":
            return try entitySet(.user, key: headKey, rest)
        case "groups":
            return try entitySet(.group, key: headKey, rest)
        case "applications":
            return try entitySet(.application, key: headKey, rest)
        case "servicePrincipals":
            return try entitySet(.servicePrincipal, key: headKey, rest)
        case "devices":
            return try entitySet(.device, key: headKey, rest)
        case "oauth2PermissionGrants":
            return try entitySet(.oAuth2PermissionGrant, key: headKey, rest)
        case "directoryRoles":
            return try entitySet(.directoryRole, key: headKey, rest)
        case "directoryRoleTemplates":
            return try entitySet(.directoryRoleTemplate, key: headKey, rest)
        case "administrativeUnits":
            return try entitySet(.administrativeUnit, key: headKey, rest)
        case "domains":
            return try entitySet(.domain, key: headKey, rest)
        case "organization":
            return try entitySet(.organization, key: headKey, rest)
        case "contacts":
            return try entitySet(.orgContact, key: headKey, rest)
        case "subscribedSkus":
            return try entitySet(.subscribedSku, key: headKey, rest)
        case "groupLifecyclePolicies":
            return try entitySet(.groupLifecyclePolicy, key: headKey, rest)
        case "groupSettings":
            return try entitySet(.groupSetting, key: headKey, rest)
        case "groupSettingTemplates":
            return try entitySet(.groupSettingTemplate, key: headKey, rest)
        case "directoryObjects":
            if rest.count == 1, rest[0] == "getByIds" || rest[0] == "microsoft.graph.getByIds" { return .getByIds }
            if rest.count == 1 { return .directoryObject(rest[0]) }
            throw GraphError.segmentNotFound(rest.last ?? head)
        case "directory":
            return try directory(rest)
        case "identity":
            return try identity(rest)
        case "roleManagement":
            guard rest.count >= 2, rest[0] == "directory" else { throw GraphError.segmentNotFound(rest.first ?? head) }
            let set = rest[1]
            let tail = Array(rest.dropFirst(2))
            switch set {
            case "roleDefinitions": return try entitySet(.unifiedRoleDefinition, key: nil, tail)
            case "roleAssignments": return try entitySet(.unifiedRoleAssignment, key: nil, tail)
            case "roleEligibilitySchedules": return try privilegedAccess(.unifiedRoleEligibilitySchedule, tail)
            case "roleEligibilityScheduleInstances": return try privilegedAccess(.unifiedRoleEligibilityScheduleInstance, tail)
            case "roleAssignmentSchedules": return try privilegedAccess(.unifiedRoleAssignmentSchedule, tail)
            case "roleAssignmentScheduleInstances": return try privilegedAccess(.unifiedRoleAssignmentScheduleInstance, tail)
            case "roleEligibilityScheduleRequests": return try privilegedAccess(.unifiedRoleEligibilityScheduleRequest, tail)
            case "roleAssignmentScheduleRequests": return try privilegedAccess(.unifiedRoleAssignmentScheduleRequest, tail)
            default: throw GraphError.segmentNotFound(set)
            }
        case "policies":
            return try policies(rest)
        case "identityGovernance":
            if rest.count >= 3, rest[0] == "privilegedAccess", rest[1] == "group" {
                let tail = Array(rest.dropFirst(3))
                switch rest[2] {
                case "eligibilitySchedules": return try privilegedAccess(.privilegedAccessGroupEligibilitySchedule, tail)
                case "eligibilityScheduleInstances": return try privilegedAccess(.privilegedAccessGroupEligibilityScheduleInstance, tail)
                case "assignmentSchedules": return try privilegedAccess(.privilegedAccessGroupAssignmentSchedule, tail)
                case "assignmentScheduleInstances": return try privilegedAccess(.privilegedAccessGroupAssignmentScheduleInstance, tail)
                case "eligibilityScheduleRequests": return try privilegedAccess(.privilegedAccessGroupEligibilityScheduleRequest, tail)
                case "assignmentScheduleRequests": return try privilegedAccess(.privilegedAccessGroupAssignmentScheduleRequest, tail)
                default: throw GraphError.segmentNotFound(rest[2])
                }
            }
            guard rest.count >= 2, rest[0] == "termsOfUse", rest[1] == "agreements" else {
                throw GraphError.segmentNotFound(rest.first ?? head)
            }
            return try entitySet(.agreement, key: nil, Array(rest.dropFirst(2)))
        case "tenantRelationships":
            guard rest.first == "multiTenantOrganization" else { throw GraphError.segmentNotFound(rest.first ?? head) }
            let tail = Array(rest.dropFirst())
            if tail.isEmpty { return .item(.multiTenantOrganization, .id("multiTenantOrganization"), parent: nil) }
            guard tail[0] == "tenants" else { throw GraphError.segmentNotFound(tail[0]) }
            return try entitySet(.multiTenantOrganizationMember, key: nil, Array(tail.dropFirst()))
        case "auditLogs":
            guard rest.first == "directoryAudits" else { throw GraphError.segmentNotFound(rest.first ?? head) }
            return try entitySet(.directoryAudit, key: nil, Array(rest.dropFirst()))
        default:
            throw GraphError.segmentNotFound(head)
        }
    }

    /// `applications(appId='x')` → ("applications", .appId("x")).
    static func splitKey(_ segment: String) -> (String, EntityKey?) {
        guard let open = segment.firstIndex(of: "("), segment.hasSuffix(")") else { return (segment, nil) }
        let name = String(segment[..<open])
        let inner = String(segment[segment.index(after: open)..<segment.index(before: segment.endIndex)])
        if inner.isEmpty { return (name, nil) }
        let parts = inner.split(separator: "=", maxSplits: 1).map(String.init)
        func unquote(_ text: String) -> String {
            var value = text.trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 {
                value = String(value.dropFirst().dropLast()).replacingOccurrences(of: "''", with: "'")
            }
            return value
        }
        if parts.count == 2 {
            switch parts[0].trimmingCharacters(in: .whitespaces) {
            case "appId": return (name, .appId(unquote(parts[1])))
            case "roleTemplateId": return (name, .roleTemplateId(unquote(parts[1])))
            case "name": return (name, .name(unquote(parts[1])))
            default: return (name, .id(unquote(parts[1])))
            }
        }
        return (name, .id(unquote(inner)))
    }

    private static func isDelta(_ segment: String) -> Bool {
        segment == "delta" || segment == "delta()" || segment == "microsoft.graph.delta" || segment == "microsoft.graph.delta()"
    }

    private static func castType(_ segment: String) -> ResourceType? {
        guard segment.hasPrefix("microsoft.graph.") else { return nil }
        return ResourceType.named(String(segment.dropFirst("microsoft.graph.".count)))
    }

    /// `{set}`, `{set}/$count`, `{set}/delta`, `{set}/{id}`, `{set}/{id}/{navigation}…`.
    private static func entitySet(_ type: ResourceType, key: EntityKey?, _ rest: [String]) throws(GraphError) -> GraphRoute {
        var key = key
        var rest = rest
        if key == nil {
            guard let next = rest.first else { return .list(type, parent: nil) }
            if next == "$count" && rest.count == 1 { return .count(type) }
            if isDelta(next) && rest.count == 1 {
                guard type.hasDelta else { throw GraphError.segmentNotFound(next) }
                return .delta(type)
            }
            key = .id(next)
            rest.removeFirst()
        }
        guard let key else { return .list(type, parent: nil) }
        guard let segment = rest.first else { return .item(type, key, parent: nil) }
        let owner = ParentReference(type: type, key: key)
        // `federatedIdentityCredentials(name='x')` addresses one item by an alternate key.
        let (navigation, navigationKey) = splitKey(segment)
        if let navigationKey, rest.count == 1, type == .application, navigation == "federatedIdentityCredentials" {
            return .item(.federatedIdentityCredential, navigationKey, parent: owner)
        }
        let tail = Array(rest.dropFirst())

        // Child collections.
        switch (type, navigation) {
        case (.user, "authentication"):
            guard let sub = tail.first else { throw GraphError.segmentNotFound(navigation) }
            // methods, and the typed sets (phoneMethods, emailMethods, fido2Methods, …).
            guard sub == "methods" || sub.hasSuffix("Methods") else { throw GraphError.segmentNotFound(sub) }
            return try child(.authenticationMethod, owner: owner, Array(tail.dropFirst()))
        case (.application, "federatedIdentityCredentials"):
            return try child(.federatedIdentityCredential, owner: owner, tail)
        case (.application, "extensionProperties"):
            return try child(.extensionProperty, owner: owner, tail)
        case (.group, "settings"):
            return try child(.groupSetting, owner: owner, tail)
        case (.administrativeUnit, "scopedRoleMembers"):
            return try child(.scopedRoleMembership, owner: owner, tail)
        case (.domain, "federationConfiguration"):
            return try child(.internalDomainFederation, owner: owner, tail)
        case (.crossTenantAccessPolicyConfigurationPartner, "identitySynchronization"):
            guard tail.isEmpty else { throw GraphError.segmentNotFound(tail.last ?? navigation) }
            return .identitySynchronization(partner: key)
        case (.organization, "branding"):
            if tail.isEmpty { return .branding(organization: key) }
            guard tail[0] == "localizations" else { throw GraphError.segmentNotFound(tail[0]) }
            return try child(.organizationalBrandingLocalization, owner: owner, Array(tail.dropFirst()))
        case (.customSecurityAttributeDefinition, "allowedValues"):
            return try child(.allowedValue, owner: owner, tail)
        case (.unifiedRoleManagementPolicy, "rules"):
            return try child(.unifiedRoleManagementPolicyRule, owner: owner, tail)
        case (.servicePrincipal, "delegatedPermissionClassifications"):
            return try child(.delegatedPermissionClassification, owner: owner, tail)
        case (.servicePrincipal, "synchronization"):
            guard tail.first == "jobs" else { throw GraphError.segmentNotFound(tail.first ?? navigation) }
            let jobTail = Array(tail.dropFirst())
            if jobTail.count == 2, jobTail[1] == "schema" {
                return .synchronizationSchema(servicePrincipal: key, job: jobTail[0])
            }
            return try child(.synchronizationJob, owner: owner, jobTail)
        case (.application, let action), (.servicePrincipal, let action):
            if let action = GraphAction(rawValue: action.replacingOccurrences(of: "microsoft.graph.", with: "")), tail.isEmpty {
                return .action(action, owner: type, key: key)
            }
        default:
            break
        }

        guard let relation = Relation(rawValue: navigation) else { throw GraphError.segmentNotFound(navigation) }
        guard isRelation(relation, validFor: type) else { throw GraphError.segmentNotFound(navigation) }
        switch tail.count {
        case 0:
            return .relation(relation, owner: type, key: key, cast: nil)
        case 1:
            if tail[0] == "$ref" { return .relationReference(relation, owner: type, key: key, member: nil) }
            if tail[0] == "$count" { return .relationCount(relation, owner: type, key: key, cast: nil) }
            if let cast = castType(tail[0]) { return .relation(relation, owner: type, key: key, cast: cast) }
            if relation == .appRoleAssignments || relation == .appRoleAssignedTo {
                return .relationItem(relation, owner: type, key: key, item: tail[0])
            }
            throw GraphError.segmentNotFound(tail[0])
        case 2:
            if tail[1] == "$ref" { return .relationReference(relation, owner: type, key: key, member: tail[0]) }
            if tail[1] == "$count", let cast = castType(tail[0]) {
                return .relationCount(relation, owner: type, key: key, cast: cast)
            }
            throw GraphError.segmentNotFound(tail[1])
        default:
            throw GraphError.segmentNotFound(tail.last ?? navigation)
        }
    }

    private static func isRelation(_ relation: Relation, validFor type: ResourceType) -> Bool {
        switch relation {
        case .members: return [.group, .administrativeUnit, .directoryRole].contains(type)
        case .owners: return [.group, .application, .servicePrincipal].contains(type)
        case .memberOf, .transitiveMemberOf: return [.user, .group, .servicePrincipal, .device].contains(type)
        case .transitiveMembers: return type == .group
        case .directReports, .manager: return type == .user
        case .appRoleAssignments: return [.user, .group, .servicePrincipal].contains(type)
        case .appRoleAssignedTo: return type == .servicePrincipal
        case .registeredOwners: return type == .device
        case .ownedObjects: return [.user, .servicePrincipal].contains(type)
        case .oauth2PermissionGrants: return [.user, .servicePrincipal].contains(type)
        case .claimsMappingPolicies, .tokenLifetimePolicies, .tokenIssuancePolicies:
            return type == .servicePrincipal || type == .application
        case .homeRealmDiscoveryPolicies: return type == .servicePrincipal
        case .appManagementPolicies: return type == .servicePrincipal || type == .application
        case .appliesTo:
            return [.claimsMappingPolicy, .tokenLifetimePolicy, .tokenIssuancePolicy, .homeRealmDiscoveryPolicy,
                    .activityBasedTimeoutPolicy, .appManagementPolicy].contains(type)
        }
    }

    /// `{set}` or `{set}/{id}` of a PIM schedule, instance or request collection.
    private static func privilegedAccess(_ type: ResourceType, _ rest: [String]) throws(GraphError) -> GraphRoute {
        switch rest.count {
        case 0: return .privilegedAccess(type, id: nil)
        case 1:
            let (_, key) = splitKey(rest[0])
            return .privilegedAccess(type, id: key?.description ?? rest[0])
        default: throw GraphError.segmentNotFound(rest.last ?? type.name)
        }
    }

    private static func child(_ type: ResourceType, owner: ParentReference, _ rest: [String]) throws(GraphError) -> GraphRoute {
        switch rest.count {
        case 0: return .list(type, parent: owner)
        case 1:
            let (_, key) = splitKey(rest[0])
            return .item(type, key ?? .id(rest[0]), parent: owner)
        default: throw GraphError.segmentNotFound(rest.last ?? type.name)
        }
    }

    private static func directory(_ rest: [String]) throws(GraphError) -> GraphRoute {
        guard let first = rest.first else { throw GraphError.segmentNotFound("directory") }
        let tail = Array(rest.dropFirst())
        switch first {
        case "administrativeUnits":
            return try entitySet(.administrativeUnit, key: nil, tail)
        case "onPremisesSynchronization":
            return try entitySet(.onPremisesDirectorySynchronization, key: nil, tail)
        case "attributeSets":
            return try entitySet(.attributeSet, key: nil, tail)
        case "customSecurityAttributeDefinitions":
            return try entitySet(.customSecurityAttributeDefinition, key: nil, tail)
        case "deletedItems":
            guard let next = tail.first else { return .deletedItems(nil) }
            if let cast = castType(next) {
                guard tail.count == 1 else { throw GraphError.segmentNotFound(tail.last ?? next) }
                guard [.user, .group, .application, .servicePrincipal, .administrativeUnit].contains(cast) else {
                    throw GraphError.badRequest("Invalid type cast '\(next)' for deleted items.")
                }
                return .deletedItems(cast)
            }
            if tail.count == 1 { return .deletedItem(next) }
            if tail.count == 2, tail[1] == "restore" || tail[1] == "microsoft.graph.restore" { return .restoreDeletedItem(next) }
            throw GraphError.segmentNotFound(tail.last ?? next)
        default:
            throw GraphError.segmentNotFound(first)
        }
    }

    private static func identity(_ rest: [String]) throws(GraphError) -> GraphRoute {
        if rest.first == "identityProviders" { return try entitySet(.identityProvider, key: nil, Array(rest.dropFirst())) }
        guard rest.count >= 2, rest[0] == "conditionalAccess" else { throw GraphError.segmentNotFound(rest.first ?? "identity") }
        let tail = Array(rest.dropFirst(2))
        switch rest[1] {
        case "policies": return try entitySet(.conditionalAccessPolicy, key: nil, tail)
        case "namedLocations": return try entitySet(.namedLocation, key: nil, tail)
        case "authenticationContextClassReferences": return try entitySet(.authenticationContextClassReference, key: nil, tail)
        case "deletedItems":
            guard let set = tail.first else { throw GraphError.segmentNotFound("deletedItems") }
            let type: ResourceType
            switch set {
            case "policies": type = .conditionalAccessPolicy
            case "namedLocations": type = .namedLocation
            default: throw GraphError.segmentNotFound(set)
            }
            switch tail.count {
            case 1: return .policyDeletedItems(type)
            case 2: return .policyDeletedItem(type, tail[1])
            case 3 where tail[2] == "restore" || tail[2] == "microsoft.graph.restore":
                return .restorePolicyDeletedItem(type, tail[1])
            default: throw GraphError.segmentNotFound(tail.last ?? set)
            }
        default:
            throw GraphError.segmentNotFound(rest[1])
        }
    }

    private static func policies(_ rest: [String]) throws(GraphError) -> GraphRoute {
        guard let first = rest.first else { throw GraphError.segmentNotFound("policies") }
        let tail = Array(rest.dropFirst())
        switch first {
        case "authenticationMethodsPolicy":
            if tail.isEmpty { return .item(.authenticationMethodsPolicy, .id("authenticationMethodsPolicy"), parent: nil) }
            if tail.count == 2, tail[0] == "authenticationMethodConfigurations" {
                return .authenticationMethodConfiguration(tail[1])
            }
            throw GraphError.segmentNotFound(tail.last ?? first)
        case "authorizationPolicy":
            guard tail.isEmpty || (tail.count == 1 && tail[0] == "authorizationPolicy") else {
                throw GraphError.segmentNotFound(tail.last ?? first)
            }
            return .item(.authorizationPolicy, .id("authorizationPolicy"), parent: nil)
        case "crossTenantAccessPolicy":
            if tail.isEmpty { return .item(.crossTenantAccessPolicy, .id("crossTenantAccessPolicy"), parent: nil) }
            if tail == ["default"] { return .item(.crossTenantAccessPolicyConfigurationDefault, .id("default"), parent: nil) }
            if tail.first == "partners" {
                return try entitySet(.crossTenantAccessPolicyConfigurationPartner, key: nil, Array(tail.dropFirst()))
            }
            throw GraphError.segmentNotFound(tail.last ?? first)
        case "claimsMappingPolicies":
            return try entitySet(.claimsMappingPolicy, key: nil, tail)
        case "tokenLifetimePolicies":
            return try entitySet(.tokenLifetimePolicy, key: nil, tail)
        case "tokenIssuancePolicies":
            return try entitySet(.tokenIssuancePolicy, key: nil, tail)
        case "homeRealmDiscoveryPolicies":
            return try entitySet(.homeRealmDiscoveryPolicy, key: nil, tail)
        case "activityBasedTimeoutPolicies":
            return try entitySet(.activityBasedTimeoutPolicy, key: nil, tail)
        case "appManagementPolicies":
            return try entitySet(.appManagementPolicy, key: nil, tail)
        case "defaultAppManagementPolicy":
            guard tail.isEmpty else { throw GraphError.segmentNotFound(tail.last ?? first) }
            return .item(.tenantAppManagementPolicy, .id(TenantDirectory.tenantAppManagementPolicyId), parent: nil)
        case "authenticationFlowsPolicy":
            guard tail.isEmpty else { throw GraphError.segmentNotFound(tail.last ?? first) }
            return .item(.authenticationFlowsPolicy, .id("authenticationFlowsPolicy"), parent: nil)
        case "deviceRegistrationPolicy":
            guard tail.isEmpty else { throw GraphError.segmentNotFound(tail.last ?? first) }
            return .item(.deviceRegistrationPolicy, .id("deviceRegistrationPolicy"), parent: nil)
        case "authenticationStrengthPolicies":
            return .authenticationStrengths(tail)
        case "identitySecurityDefaultsEnforcementPolicy":
            guard tail.isEmpty else { throw GraphError.segmentNotFound(tail.last ?? first) }
            return .item(.identitySecurityDefaultsEnforcementPolicy, .id("00000000-0000-0000-0000-000000000005"), parent: nil)
        case "adminConsentRequestPolicy":
            guard tail.isEmpty else { throw GraphError.segmentNotFound(tail.last ?? first) }
            return .item(.adminConsentRequestPolicy, .id("adminConsentRequestPolicy"), parent: nil)
        case "permissionGrantPolicies":
            return .permissionGrantPolicies(tail)
        case "roleManagementPolicies":
            return try entitySet(.unifiedRoleManagementPolicy, key: nil, tail)
        case "roleManagementPolicyAssignments":
            return try entitySet(.unifiedRoleManagementPolicyAssignment, key: nil, tail)
        default:
            throw GraphError.segmentNotFound(first)
        }
    }
}
