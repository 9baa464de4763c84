import Graph
import Vault

/// The catalogue entries a restore writes back, in the order their writes must happen, and the
/// rules that are specific to a type rather than declared in the catalogue.
public enum RestorableTypes {
    /// Phases, each a set of writes that do not depend on one another.
    public enum Phase: Int, Sendable, Codable, CaseIterable, Comparable {
        case undelete = 0
        case principals = 1
        case applications = 2
        case servicePrincipals = 3
        case patches = 4
        case relationships = 5
        case assignments = 6
        case conditionalAccess = 7
        case removals = 8

        public static func < (lhs: Phase, rhs: Phase) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// Object types with the phase that creates them.
    static let creationPhase: [String: Phase] = [
        "user": .principals, "group": .principals, "administrativeUnit": .principals, "roleDefinition": .principals,
        "application": .applications, "servicePrincipal": .servicePrincipals,
        "roleAssignment": .assignments, "servicePrincipal.appRoleAssignedTo": .assignments,
        "oAuth2PermissionGrant": .assignments,
        "namedLocation": .conditionalAccess, "conditionalAccessPolicy": .conditionalAccess,
        "authorizationPolicy": .patches, "roleManagementPolicy": .patches,
        "authenticationStrengthPolicy": .principals, "authenticationStrengthPolicy.combinationConfigurations": .patches,
        "authenticationContextClassReference": .principals,
        "roleEligibilitySchedule": .assignments, "roleAssignmentSchedule": .assignments,
        "group.eligibilitySchedules": .assignments, "group.assignmentSchedules": .assignments,
        // Custom security attributes: sets before definitions before predefined values before values.
        "attributeSet": .principals, "customSecurityAttributeDefinition": .applications,
        "customSecurityAttributeDefinition.allowedValues": .patches,
        "userSecurityAttributes": .relationships, "servicePrincipalSecurityAttributes": .relationships,
        "organization.brandingLocalizations": .patches,
        // Tenant policies (TenantPolicyPlanning): consent policies before the authorization policy that names them.
        "identitySecurityDefaultsEnforcementPolicy": .patches, "adminConsentRequestPolicy": .patches,
        "permissionGrantPolicy": .principals, "identityProvider": .principals,
        "domain.federationConfiguration": .patches, "crossTenantAccessPolicy.partners.identitySynchronization": .patches,
        "tenantAppManagementPolicy": .patches, "authenticationFlowsPolicy": .patches, "deviceRegistrationPolicy": .patches,
    ]

    /// References kept by `$ref` (added and removed one by one, or bound 20 at a time).
    static let referenceTypes: [String: (collection: String, navigation: String)] = [
        "group.members": ("/groups", "members"), "group.owners": ("/groups", "owners"),
        "application.owners": ("/applications", "owners"), "servicePrincipal.owners": ("/servicePrincipals", "owners"),
        "administrativeUnit.members": ("/directory/administrativeUnits", "members"),
        "user.manager": ("/users", "manager"),
    ]

    /// Assignments identified by what they connect, not by their id (a recreated assignment gets
    /// a new id, and graph-sim, like Entra, derives some ids from their content).
    static let contentKeys: [String: [String]] = [
        "roleAssignment": ["principalId", "roleDefinitionId", "directoryScopeId"],
        "servicePrincipal.appRoleAssignedTo": ["principalId", "resourceId", "appRoleId"],
        "oAuth2PermissionGrant": ["clientId", "consentType", "principalId", "resourceId"],
        "roleEligibilitySchedule": ["principalId", "roleDefinitionId", "directoryScopeId"],
        "roleAssignmentSchedule": ["principalId", "roleDefinitionId", "directoryScopeId"],
        "group.eligibilitySchedules": ["groupId", "principalId", "accessId"],
        "group.assignmentSchedules": ["groupId", "principalId", "accessId"],
    ]

    /// Types Graph cannot write that a plan still accounts for, one operator action per object.
    static let reportedOnly: Set<String> = ["orgContact"]

    /// Every type a restore handles.
    public static let all: Set<String> = Set(creationPhase.keys).union(referenceTypes.keys).union(reportedOnly)

    /// Types written by a conditional access endpoint (one request per second per tenant).
    static let conditionalAccess: Set<String> = ["namedLocation", "conditionalAccessPolicy", "authenticationContextClassReference"]

    /// `types` plus the relationships hanging from them, so restoring a group restores its members.
    public static func closure(of types: Set<String>) -> Set<String> {
        var result = types.intersection(all)
        for type in all where type.contains(".") {
            if let parent = ResourceCatalogue.entry(named: type)?.parent, result.contains(parent) { result.insert(type) }
        }
        return result
    }

    /// Properties never written back, besides the catalogue's read-only ones: secrets and
    /// credentials (re-issued instead), and values Graph derives from others.
    static let neverWritten: [String: Set<String>] = [
        "user": ["passwordProfile", "identities", "manager"],
        "application": ["keyCredentials", "passwordCredentials"],
        "servicePrincipal": ["keyCredentials", "passwordCredentials", "appRoles", "oauth2PermissionScopes"],
        "group": ["membershipRuleProcessingState"],
        "authenticationStrengthPolicy": ["combinationConfigurations"],
        "identityProvider": ["clientSecret"],
        "permissionGrantPolicy": ["includes", "excludes"],
    ]

    /// The object as Graph takes it back: a conditional access policy names its authentication
    /// strength by id only (Graph returns the strength expanded, and its dates change on their own).
    static func writableForm(_ object: CanonicalJSON, type: String) -> CanonicalJSON {
        guard type == "conditionalAccessPolicy", case .object(var members) = object,
              case .object(var grant)? = members["grantControls"], let strength = grant["authenticationStrength"], strength != .null
        else { return object }
        grant["authenticationStrength"] = .object(["id": strength["id"] ?? .null])
        members["grantControls"] = .object(grant)
        return .object(members)
    }

    static func isWritable(_ property: String, of entry: CatalogueEntry) -> Bool {
        if property == "id" || property.hasPrefix("@") && property != "@odata.type" { return false }
        if property == "@odata.type" { return entry.createOnly.contains("@odata.type") }
        return !entry.readOnly.contains(property) && !(neverWritten[entry.name]?.contains(property) ?? false)
    }
}
