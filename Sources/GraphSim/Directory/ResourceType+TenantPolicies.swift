/// Tenant policies attackers change to gain or keep access: security defaults, consent policies,
/// federation of verified domains, external identity providers, cross-tenant user sync and the
/// multitenant organization. Property lists follow each v1.0 property table.
extension ResourceType {
    public static let identitySecurityDefaultsEnforcementPolicy = ResourceType(
        name: "identitySecurityDefaultsEnforcementPolicy",
        entitySet: "policies/identitySecurityDefaultsEnforcementPolicy",
        properties: ["id", "description", "displayName", "isEnabled"],
        readOnly: ["id", "description", "displayName"],
        read: .any("Policy.Read.All", "Policy.ReadWrite.SecurityDefaults"),
        write: .any("Policy.ReadWrite.SecurityDefaults")
    )

    public static let adminConsentRequestPolicy = ResourceType(
        name: "adminConsentRequestPolicy",
        entitySet: "policies/adminConsentRequestPolicy",
        properties: ["isEnabled", "notifyReviewers", "remindersEnabled", "requestDurationInDays", "reviewers", "version"],
        readOnly: ["version"],
        read: .any("Policy.Read.All", "Policy.ReadWrite.ConsentRequest"),
        write: .any("Policy.ReadWrite.ConsentRequest")
    )

    public static let permissionGrantPolicy = ResourceType(
        name: "permissionGrantPolicy",
        entitySet: "policies/permissionGrantPolicies",
        properties: ["id", "deletedDateTime", "description", "displayName", "includes", "excludes"],
        readOnly: ["deletedDateTime", "includes", "excludes"],
        read: .any("Policy.Read.PermissionGrant", "Policy.Read.All", "Policy.ReadWrite.PermissionGrant"),
        write: .any("Policy.ReadWrite.PermissionGrant")
    )

    public static let internalDomainFederation = ResourceType(
        name: "internalDomainFederation",
        entitySet: "domains('{id}')/federationConfiguration",
        properties: [
            "@odata.type", "id", "displayName", "issuerUri", "metadataExchangeUri", "signingCertificate", "passiveSignInUri",
            "preferredAuthenticationProtocol", "activeSignInUri", "signOutUri", "promptLoginBehavior",
            "isSignedAuthenticationRequestRequired", "nextSigningCertificate", "federatedIdpMfaBehavior",
            "signingCertificateUpdateStatus", "passwordResetUri",
        ],
        readOnly: ["id", "signingCertificateUpdateStatus"],
        read: .any("Domain.Read.All", "Domain.ReadWrite.All", "Domain-InternalFederation.ReadWrite.All", "Directory.Read.All"),
        write: .any("Domain-InternalFederation.ReadWrite.All", "Domain.ReadWrite.All")
    )

    /// Every identity provider type in one collection, each object with its `@odata.type`.
    public static let identityProvider = ResourceType(
        name: "identityProviderBase",
        entitySet: "identity/identityProviders",
        properties: [
            "@odata.type", "id", "displayName", "identityProviderType", "clientId", "clientSecret", "state", "developerId",
            "serviceId", "keyId", "certificateData", "issuerUri", "metadataExchangeUri", "passiveSignInUri",
            "preferredAuthenticationProtocol", "signingCertificate", "domains",
        ],
        readOnly: ["id", "state"],
        read: .any("IdentityProvider.Read.All", "IdentityProvider.ReadWrite.All"),
        write: .any("IdentityProvider.ReadWrite.All")
    )

    public static let crossTenantIdentitySyncPolicyPartner = ResourceType(
        name: "crossTenantIdentitySyncPolicyPartner",
        entitySet: "policies/crossTenantAccessPolicy/partners('{id}')/identitySynchronization",
        properties: ["tenantId", "displayName", "userSyncInbound"],
        readOnly: ["tenantId"],
        read: crossTenantRead,
        write: .any("Policy.ReadWrite.CrossTenantAccess")
    )

    public static let multiTenantOrganization = ResourceType(
        name: "multiTenantOrganization",
        entitySet: "tenantRelationships/multiTenantOrganization",
        properties: ["id", "createdDateTime", "description", "displayName", "state"],
        readOnly: ["id", "createdDateTime", "state"],
        read: .any("MultiTenantOrganization.ReadBasic.All", "MultiTenantOrganization.Read.All",
                   "MultiTenantOrganization.ReadWrite.All"),
        write: .any("MultiTenantOrganization.ReadWrite.All")
    )

    public static let multiTenantOrganizationMember = ResourceType(
        name: "multiTenantOrganizationMember",
        entitySet: "tenantRelationships/multiTenantOrganization/tenants",
        properties: ["id", "tenantId", "displayName", "addedDateTime", "addedByTenantId", "joinedDateTime", "role", "state",
                     "transitionDetails", "deletedDateTime"],
        readOnly: ["id", "addedDateTime", "addedByTenantId", "joinedDateTime", "state", "transitionDetails", "deletedDateTime"],
        read: .any("MultiTenantOrganization.Read.All", "MultiTenantOrganization.ReadWrite.All"),
        write: .any("MultiTenantOrganization.ReadWrite.All")
    )

    static let tenantPolicies: [ResourceType] = [
        .identitySecurityDefaultsEnforcementPolicy, .adminConsentRequestPolicy, .permissionGrantPolicy,
        .internalDomainFederation, .identityProvider, .crossTenantIdentitySyncPolicyPartner, .multiTenantOrganization,
        .multiTenantOrganizationMember,
    ]
}
