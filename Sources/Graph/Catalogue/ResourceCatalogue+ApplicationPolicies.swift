extension ResourceCatalogue {
    private static let deviceMembership = ["users[]": "user", "groups[]": "group"]

    /// How apps sign users in and which credentials they may hold, which permissions user consent
    /// counts as low risk, and the tenant switches for self-service sign-up and device registration.
    static let applicationPolicies: [CatalogueEntry] = tokenPolicy("homeRealmDiscoveryPolicy", "homeRealmDiscoveryPolicies",
                                                                   "homeRealmDiscoveryPolicy")
        // Activity-based timeout applies only as the organization default: its appliesTo is always empty.
        + tokenPolicy("activityBasedTimeoutPolicy", "activityBasedTimeoutPolicies", "activityBasedTimeoutPolicy").prefix(1)
        + [
            CatalogueEntry(
                name: "tenantAppManagementPolicy", odataType: "#microsoft.graph.tenantAppManagementPolicy", shape: .singleton,
                listPath: "/policies/defaultAppManagementPolicy",
                permissions: ["Policy.Read.All", "Policy.Read.ApplicationConfiguration"], restore: .patchInPlace,
                notes: "The tenant-wide credential restrictions (no client secrets, maximum lifetimes) for apps without "
                    + "their own app management policy."),
            CatalogueEntry(
                name: "appManagementPolicy", odataType: "#microsoft.graph.appManagementPolicy",
                listPath: "/policies/appManagementPolicies", itemPath: "/policies/appManagementPolicies/{id}",
                permissions: ["Policy.Read.All", "Policy.Read.ApplicationConfiguration"], restore: .create,
                notes: "Credential restrictions for the applications and service principals in its appliesTo."),
            CatalogueEntry(
                name: "appManagementPolicy.appliesTo", odataType: "#microsoft.graph.directoryObject", kind: .relationship,
                parent: "appManagementPolicy", listPath: "/policies/appManagementPolicies/{0}/appliesTo?$select=id",
                permissions: ["Policy.Read.All", "Policy.Read.ApplicationConfiguration"],
                references: [ObjectReference("id", to: ["application", "servicePrincipal"])], restore: .relink,
                notes: "At most one app management policy applies to an application or service principal."),
            CatalogueEntry(
                name: "servicePrincipal.delegatedPermissionClassifications",
                odataType: "#microsoft.graph.delegatedPermissionClassification", parent: "servicePrincipal",
                listPath: "/servicePrincipals/{0}/delegatedPermissionClassifications",
                itemPath: "/servicePrincipals/{0}/delegatedPermissionClassifications/{id}",
                permissions: ["Application.Read.All", "Directory.Read.All"], createOnly: ["permissionId", "permissionName"],
                restore: .create,
                notes: "Delegated permissions an API's owner classed as low risk: what the \"low risk\" user consent "
                    + "policy (microsoft-user-default-low) lets users grant."),
            CatalogueEntry(
                name: "authenticationFlowsPolicy", odataType: "#microsoft.graph.authenticationFlowsPolicy", shape: .singleton,
                listPath: "/policies/authenticationFlowsPolicy", permissions: ["Policy.Read.All"],
                readOnly: ["id", "displayName", "description"], restore: .patchInPlace,
                notes: "Self-service sign-up for guests through user flows (selfServiceSignUp.isEnabled)."),
            CatalogueEntry(
                name: "deviceRegistrationPolicy", odataType: "#microsoft.graph.deviceRegistrationPolicy", shape: .singleton,
                listPath: "/policies/deviceRegistrationPolicy",
                permissions: ["Policy.Read.DeviceConfiguration", "Policy.ReadWrite.DeviceConfiguration"],
                references: ["azureADRegistration.allowedToRegister", "azureADJoin.allowedToJoin", "azureADJoin.localAdmins.registeringUsers"]
                    .flatMap { base in deviceMembership.map { ObjectReference("\(base).\($0.key)", to: [$0.value]) } }
                    .sorted { $0.path < $1.path },
                readOnly: ["id", "displayName", "description"], restore: .patchInPlace,
                notes: "Who may register and join devices, MFA to join, the device quota and the Windows LAPS switch. "
                    + "Written back whole with PUT (Graph has no PATCH for it)."),
            CatalogueEntry(
                name: "agreement", odataType: "#microsoft.graph.agreement",
                listPath: "/identityGovernance/termsOfUse/agreements", itemPath: "/identityGovernance/termsOfUse/agreements/{id}",
                permissions: ["Agreement.Read.All", "Agreement.ReadWrite.All"],
                restore: .manual(reason: "creating an agreement needs its PDF, which Graph does not return with the agreement"),
                notes: "Terms of use that conditional access requires (grantControls.termsOfUse). A deleted agreement "
                    + "cannot be undeleted; a changed one is evidence for a manual revert."),
        ]
}
