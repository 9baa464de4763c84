import Foundation
public import Logging

/// Checks, with a tenant's credential, every permission backup and restore need.
///
/// It acquires a token (an AADSTS failure is thrown as `GraphAuthenticationError`), reads the
/// token's `roles` claim, and sends a `$top=1` read to every catalogue entry with a tenant-level
/// endpoint. Graph reports a missing application permission on the request, not on the token:
/// 403 `Authorization_RequestDenied` ("Insufficient privileges…"), so an endpoint's answer wins
/// over the claim. Entries below a parent (members, owners, authentication methods) are judged by
/// the claim. Restore needs write permissions, which cannot be probed without writing: they are
/// judged by the claim only and never block backups.
public struct PermissionProbe: Sendable {
    public let session: GraphSession
    public let catalogue: [CatalogueEntry]
    public let logger: Logger

    public init(session: GraphSession, catalogue: [CatalogueEntry] = ResourceCatalogue.entries, logger: Logger) {
        self.session = session
        self.catalogue = catalogue
        self.logger = logger
    }

    /// Write permissions a restore uses, by area; any one of each area's alternatives is enough.
    public static let restoreRequirements: [(name: String, anyOf: [String])] = [
        ("restore.users", ["User.ReadWrite.All", "Directory.ReadWrite.All"]),
        ("restore.groups", ["Group.ReadWrite.All", "Directory.ReadWrite.All"]),
        ("restore.groupMembers", ["GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All"]),
        ("restore.applications", ["Application.ReadWrite.All"]),
        ("restore.appRoleAssignments", ["AppRoleAssignment.ReadWrite.All"]),
        ("restore.delegatedGrants", ["DelegatedPermissionGrant.ReadWrite.All"]),
        ("restore.roleAssignments", ["RoleManagement.ReadWrite.Directory"]),
        ("restore.roleEligibilitySchedules", ["RoleEligibilitySchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"]),
        ("restore.roleAssignmentSchedules", ["RoleAssignmentSchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"]),
        ("restore.groupEligibilitySchedules", ["PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup", "PrivilegedAccess.ReadWrite.AzureADGroup"]),
        ("restore.groupAssignmentSchedules", ["PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup", "PrivilegedAccess.ReadWrite.AzureADGroup"]),
        ("restore.customSecurityAttributes", ["CustomSecAttributeDefinition.ReadWrite.All"]),
        ("restore.customSecurityAttributeValues", ["CustomSecAttributeAssignment.ReadWrite.All"]),
        ("restore.branding", ["OrganizationalBranding.ReadWrite.All", "Organization.ReadWrite.All"]),
        ("restore.roleSettings", ["RoleManagementPolicy.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"]),
        ("restore.administrativeUnits", ["AdministrativeUnit.ReadWrite.All", "Directory.ReadWrite.All"]),
        ("restore.conditionalAccess", ["Policy.ReadWrite.ConditionalAccess"]),
        ("restore.authenticationStrengths", ["Policy.ReadWrite.ConditionalAccess", "Policy.ReadWrite.AuthenticationMethod"]),
        ("restore.authenticationContexts", ["AuthenticationContext.ReadWrite.All", "Policy.ReadWrite.ConditionalAccess"]),
        ("restore.authenticationMethodsPolicy", ["Policy.ReadWrite.AuthenticationMethod"]),
        ("restore.authorizationPolicy", ["Policy.ReadWrite.Authorization"]),
        ("restore.crossTenantAccess", ["Policy.ReadWrite.CrossTenantAccess"]),
        ("restore.securityDefaults", ["Policy.ReadWrite.SecurityDefaults"]),
        ("restore.adminConsentRequestPolicy", ["Policy.ReadWrite.ConsentRequest"]),
        ("restore.permissionGrantPolicies", ["Policy.ReadWrite.PermissionGrant"]),
        ("restore.domainFederation", ["Domain-InternalFederation.ReadWrite.All", "Domain.ReadWrite.All"]),
        ("restore.identityProviders", ["IdentityProvider.ReadWrite.All"]),
        ("restore.appManagementPolicies", ["Policy.ReadWrite.ApplicationConfiguration"]),
        ("restore.authenticationFlowsPolicy", ["Policy.ReadWrite.AuthenticationFlows"]),
        ("restore.deviceRegistrationPolicy", ["Policy.ReadWrite.DeviceConfiguration"]),
    ]

    /// The request that probes `entry`, or nil when its endpoint needs a parent's id or answers
    /// without the permission (custom security attribute values come back empty instead of 403).
    public static func probePath(for entry: CatalogueEntry) -> String? {
        guard entry.parent == nil, entry.depth == 0, entry.storedOnlyWith == nil else { return nil }
        switch entry.shape {
        case .singleton: return entry.listPath
        case .collection: return entry.listPath + (entry.listPath.contains("?") ? "&" : "?") + "$top=1"
        }
    }

    public func run() async throws -> PermissionReport {
        let identity = self.session.identity
        let token = try await self.session.accessToken()
        let roles: Set<String>? = token.applicationRoles.map(Set.init) ?? (token.isReadableJWT ? [] : nil)
        var requirements: [PermissionReport.Requirement] = []
        for entry in self.catalogue {
            try Task.checkCancellation()
            var requirement = PermissionReport.Requirement(name: entry.name, purpose: .backup, anyOf: entry.permissions,
                                                           outcome: Self.judge(entry.permissions, roles: roles))
            if requirement.outcome == .unverified { requirement.detail = "the token's roles could not be read" }
            if let path = Self.probePath(for: entry) {
                requirement.probe = "GET \(path)"
                do {
                    let response = try await self.session.send(.get(path))
                    requirement.status = response.status
                    requirement.outcome = .granted
                    requirement.detail = nil
                } catch let error as GraphError {
                    requirement.status = error.status
                    if error.isPermissionMissing {
                        requirement.outcome = .missing
                        requirement.detail = "\(error.code): \(error.message)"
                    } else {
                        // 404 (a feature the tenant lacks), 400, 5xx: the endpoint cannot say; the claim decides.
                        requirement.detail = "\(error.code): \(error.message)"
                    }
                }
            }
            requirements.append(requirement)
        }
        for restore in Self.restoreRequirements {
            let outcome = Self.judge(restore.anyOf, roles: roles)
            requirements.append(PermissionReport.Requirement(
                name: restore.name, purpose: .restore, anyOf: restore.anyOf, outcome: outcome,
                detail: outcome == .unverified ? "the token's roles could not be read" : nil))
        }
        var seen = Set<String>()
        let permissions = requirements.compactMap { requirement -> PermissionReport.Permission? in
            guard let name = requirement.anyOf.first, seen.insert(name).inserted else { return nil }
            return PermissionReport.Permission(name: name, purpose: requirement.purpose, granted: roles.map { $0.contains(name) })
        }
        let report = PermissionReport(
            probedAt: Date(), tenant: identity.tenant, clientID: identity.clientID, roles: roles.map { $0.sorted() },
            requirements: requirements, permissions: permissions,
            adminConsentURL: PermissionReport.adminConsentURL(loginBaseURL: self.session.client.configuration.loginBaseURL,
                                                              tenant: identity.tenant, clientID: identity.clientID))
        self.logger.info("probed Graph permissions", metadata: [
            "graph.tenant": "\(identity.tenant)", "graph.client_id": "\(identity.clientID)",
            "probe.backup_ready": "\(report.backupReady)", "probe.missing": "\(report.missingBackupPermissions.joined(separator: ","))",
        ])
        return report
    }

    static func judge(_ anyOf: [String], roles: Set<String>?) -> PermissionReport.Outcome {
        guard let roles else { return .unverified }
        return anyOf.contains(where: roles.contains) ? .granted : .missing
    }
}
