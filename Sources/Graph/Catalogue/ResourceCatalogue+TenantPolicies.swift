extension ResourceCatalogue {
    /// Tenant-wide switches and trust settings attackers change to gain or keep access: security
    /// defaults, consent, domain federation, external identity providers, cross-tenant user sync
    /// and the multitenant organization.
    static let tenantPolicies: [CatalogueEntry] = [
        CatalogueEntry(
            name: "identitySecurityDefaultsEnforcementPolicy",
            odataType: "#microsoft.graph.identitySecurityDefaultsEnforcementPolicy", shape: .singleton,
            listPath: "/policies/identitySecurityDefaultsEnforcementPolicy", permissions: ["Policy.Read.All"],
            readOnly: ["id", "description", "displayName"], restore: .patchInPlace,
            notes: "Security defaults: for small tenants, the whole MFA posture in one switch (isEnabled)."),
        CatalogueEntry(
            name: "adminConsentRequestPolicy", odataType: "#microsoft.graph.adminConsentRequestPolicy", shape: .singleton,
            listPath: "/policies/adminConsentRequestPolicy", permissions: ["Policy.Read.All", "Policy.ReadWrite.ConsentRequest"],
            references: [ObjectReference("reviewers[].query", to: ["user", "group"], key: .queryPath)],
            readOnly: ["id", "version"], restore: .patchInPlace,
            notes: "Written back whole with PUT (Graph has no PATCH for it); reviewers are Graph queries naming users and groups."),
        CatalogueEntry(
            name: "permissionGrantPolicy", odataType: "#microsoft.graph.permissionGrantPolicy",
            listPath: "/policies/permissionGrantPolicies", itemPath: "/policies/permissionGrantPolicies/{id}",
            permissions: ["Policy.Read.PermissionGrant", "Policy.Read.All"],
            readOnly: ["deletedDateTime"], createOnly: ["id"], restore: .create,
            notes: "Consent policies with their include and exclude condition sets inline. Built-in ones (microsoft-…) "
                + "cannot change; custom ones keep their id, which the authorization policy's "
                + "permissionGrantPoliciesAssigned names."),
        CatalogueEntry(
            name: "domain.federationConfiguration", odataType: "#microsoft.graph.internalDomainFederation", parent: "domain",
            listPath: "/domains/{0}/federationConfiguration", itemPath: "/domains/{0}/federationConfiguration/{id}",
            permissions: ["Domain.Read.All", "Domain-InternalFederation.ReadWrite.All"],
            readOnly: ["id", "signingCertificateUpdateStatus"], createOnly: ["@odata.type"], restore: .create,
            notes: "Federating a verified domain to another identity provider lets its token signer sign in as any user: "
                + "a restore recreates a removed configuration, reverts a changed one and deletes one added since."),
        CatalogueEntry(
            name: "identityProvider", odataType: "#microsoft.graph.identityProviderBase",
            listPath: "/identity/identityProviders", itemPath: "/identity/identityProviders/{id}",
            permissions: ["IdentityProvider.Read.All"], readOnly: ["id", "state"], createOnly: ["@odata.type"],
            restore: .create,
            notes: "Polymorphic (social, built-in, Apple, SAML/WS-Fed). Client secrets read back as ******: a "
                + "recreated provider needs its secret again."),
        CatalogueEntry(
            name: "crossTenantAccessPolicy.partners.identitySynchronization",
            odataType: "#microsoft.graph.crossTenantIdentitySyncPolicyPartner", shape: .singleton,
            parent: "crossTenantAccessPolicy.partners",
            listPath: "/policies/crossTenantAccessPolicy/partners/{0}/identitySynchronization", key: "tenantId",
            permissions: ["Policy.Read.All"], readOnly: ["tenantId"], restore: .patchInPlace,
            notes: "Whether a partner tenant may push users into this one (userSyncInbound). A restore writes it with "
                + "PUT and deletes one the snapshot does not have."),
        CatalogueEntry(
            name: "multiTenantOrganization", odataType: "#microsoft.graph.multiTenantOrganization", shape: .singleton,
            listPath: "/tenantRelationships/multiTenantOrganization",
            permissions: ["MultiTenantOrganization.Read.All", "MultiTenantOrganization.ReadBasic.All"],
            readOnly: ["id", "createdDateTime", "state"],
            restore: .manual(reason: "joining a multitenant organization needs every member tenant's administrator"),
            notes: "state inactive when the tenant belongs to none."),
        CatalogueEntry(
            name: "multiTenantOrganizationMember", odataType: "#microsoft.graph.multiTenantOrganizationMember",
            listPath: "/tenantRelationships/multiTenantOrganization/tenants",
            itemPath: "/tenantRelationships/multiTenantOrganization/tenants/{id}",
            permissions: ["MultiTenantOrganization.Read.All"], readOnly: ["id", "addedDateTime", "addedByTenantId",
                                                                         "joinedDateTime", "state", "transitionDetails"],
            restore: .manual(reason: "a removed member tenant must join again from its own side"),
            notes: "The member tenants of the multitenant organization."),
    ]
}
