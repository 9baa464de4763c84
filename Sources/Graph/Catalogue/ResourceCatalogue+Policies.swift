extension ResourceCatalogue {
    private static let caUserKeywords: Set<String> = ["All", "None", "GuestsOrExternalUsers"]

    static func tokenPolicy(_ name: String, _ set: String, _ type: String) -> [CatalogueEntry] {
        [
            CatalogueEntry(
                name: name, odataType: "#microsoft.graph.\(type)",
                listPath: "/policies/\(set)", itemPath: "/policies/\(set)/{id}",
                permissions: ["Policy.Read.All"], readOnly: ["id", "deletedDateTime"], restore: .create),
            CatalogueEntry(
                name: name + ".appliesTo", odataType: "#microsoft.graph.directoryObject", kind: .relationship, parent: name,
                listPath: "/policies/\(set)/{0}/appliesTo?$select=id",
                permissions: ["Policy.Read.All", "Application.Read.All"],
                references: [ObjectReference("id", to: ["servicePrincipal", "application"])], restore: .relink,
                notes: "The service principals and applications the policy is assigned to."),
        ]
    }

    /// Entra's built-in authentication strengths: the same ids in every tenant.
    static let builtInAuthenticationStrengths: Set<String> = [
        "00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-000000000003",
        "00000000-0000-0000-0000-000000000004",
    ]

    static let policies: [CatalogueEntry] = [
        CatalogueEntry(
            name: "authenticationContextClassReference", odataType: "#microsoft.graph.authenticationContextClassReference",
            listPath: "/identity/conditionalAccess/authenticationContextClassReferences",
            itemPath: "/identity/conditionalAccess/authenticationContextClassReferences/{id}",
            permissions: ["AuthenticationContext.Read.All", "Policy.Read.All"], readOnly: ["id"], restore: .patchInPlace,
            notes: "Ids are c1 to c99 in every tenant; a restore writes them with PATCH, which creates a missing one. "
                + "Conditional access requests: one per second per tenant."),
        CatalogueEntry(
            name: "authenticationStrengthPolicy", odataType: "#microsoft.graph.authenticationStrengthPolicy",
            listPath: "/policies/authenticationStrengthPolicies", itemPath: "/policies/authenticationStrengthPolicies/{id}",
            permissions: ["Policy.Read.AuthenticationMethod", "Policy.Read.All"],
            readOnly: ["id", "createdDateTime", "modifiedDateTime", "policyType", "requirementsSatisfied"],
            restore: .create,
            notes: "Built-in strengths (policyType builtIn) are in every tenant and never recreated. allowedCombinations "
                + "changes through updateAllowedCombinations; combination configurations are their own entry."),
        CatalogueEntry(
            name: "authenticationStrengthPolicy.combinationConfigurations",
            odataType: "#microsoft.graph.authenticationCombinationConfiguration", parent: "authenticationStrengthPolicy",
            listPath: "/policies/authenticationStrengthPolicies/{0}/combinationConfigurations",
            itemPath: "/policies/authenticationStrengthPolicies/{0}/combinationConfigurations/{id}",
            permissions: ["Policy.Read.AuthenticationMethod", "Policy.Read.All"], readOnly: ["id"],
            createOnly: ["@odata.type"], restore: .create,
            notes: "FIDO2 key (AAGUID) and certificate issuer restrictions of a custom strength."),
        CatalogueEntry(
            name: "conditionalAccessPolicy", odataType: "#microsoft.graph.conditionalAccessPolicy",
            listPath: "/identity/conditionalAccess/policies", itemPath: "/identity/conditionalAccess/policies/{id}",
            permissions: ["Policy.Read.All"],
            references: [
                ObjectReference("conditions.users.includeUsers[]", to: ["user"], keywords: caUserKeywords),
                ObjectReference("conditions.users.excludeUsers[]", to: ["user"], keywords: caUserKeywords),
                ObjectReference("conditions.users.includeGroups[]", to: ["group"]),
                ObjectReference("conditions.users.excludeGroups[]", to: ["group"]),
                ObjectReference("conditions.users.includeRoles[]", to: ["roleDefinition"], key: .templateId),
                ObjectReference("conditions.users.excludeRoles[]", to: ["roleDefinition"], key: .templateId),
                ObjectReference("conditions.applications.includeApplications[]", to: ["servicePrincipal"], key: .appId,
                                keywords: ["All", "None", "Office365", "MicrosoftAdminPortals"]),
                ObjectReference("conditions.applications.excludeApplications[]", to: ["servicePrincipal"], key: .appId,
                                keywords: ["Office365", "MicrosoftAdminPortals"]),
                ObjectReference("conditions.locations.includeLocations[]", to: ["namedLocation"],
                                keywords: ["All", "AllTrusted"]),
                ObjectReference("conditions.locations.excludeLocations[]", to: ["namedLocation"],
                                keywords: ["All", "AllTrusted"]),
                ObjectReference("conditions.clientApplications.includeServicePrincipals[]", to: ["servicePrincipal"],
                                keywords: ["ServicePrincipalsInMyTenant"]),
                ObjectReference("conditions.clientApplications.excludeServicePrincipals[]", to: ["servicePrincipal"]),
                ObjectReference("conditions.applications.includeAuthenticationContextClassReferences[]",
                                to: ["authenticationContextClassReference"], key: .fixedId),
                ObjectReference("grantControls.authenticationStrength.id", to: ["authenticationStrengthPolicy"],
                                keywords: builtInAuthenticationStrengths),
            ],
            readOnly: ["id", "createdDateTime", "modifiedDateTime", "deletedDateTime", "templateId"],
            softDelete: .conditionalAccessDeletedItems, restore: .undeleteOrCreate,
            notes: "No delta: read fully every run, stored only when changed. Conditional access allows one "
                + "request per second per tenant."),
        CatalogueEntry(
            name: "namedLocation", odataType: "#microsoft.graph.namedLocation",
            listPath: "/identity/conditionalAccess/namedLocations", itemPath: "/identity/conditionalAccess/namedLocations/{id}",
            permissions: ["Policy.Read.All"],
            readOnly: ["id", "createdDateTime", "modifiedDateTime", "deletedDateTime"], createOnly: ["@odata.type"],
            softDelete: .conditionalAccessDeletedItems, restore: .undeleteOrCreate,
            notes: "Polymorphic: ipNamedLocation or countryNamedLocation, kept in @odata.type."),
        CatalogueEntry(
            name: "authenticationMethodsPolicy", odataType: "#microsoft.graph.authenticationMethodsPolicy", shape: .singleton,
            listPath: "/policies/authenticationMethodsPolicy",
            permissions: ["Policy.Read.AuthenticationMethod", "Policy.ReadWrite.AuthenticationMethod"],
            references: [
                ObjectReference("authenticationMethodConfigurations[].includeTargets[].id", to: ["group", "user"],
                                keywords: ["all_users"]),
                ObjectReference("authenticationMethodConfigurations[].excludeTargets[].id", to: ["group", "user"]),
            ],
            readOnly: ["id", "lastModifiedDateTime", "policyVersion", "description", "displayName"], restore: .patchInPlace),
        CatalogueEntry(
            name: "authorizationPolicy", odataType: "#microsoft.graph.authorizationPolicy", shape: .singleton,
            listPath: "/policies/authorizationPolicy", permissions: ["Policy.Read.All"], restore: .patchInPlace),
        CatalogueEntry(
            name: "crossTenantAccessPolicy", odataType: "#microsoft.graph.crossTenantAccessPolicy", shape: .singleton,
            listPath: "/policies/crossTenantAccessPolicy", permissions: ["Policy.Read.All"], restore: .patchInPlace),
        CatalogueEntry(
            name: "crossTenantAccessPolicy.default",
            odataType: "#microsoft.graph.crossTenantAccessPolicyConfigurationDefault", shape: .singleton,
            listPath: "/policies/crossTenantAccessPolicy/default", permissions: ["Policy.Read.All"],
            readOnly: ["id", "isServiceDefault"], restore: .patchInPlace),
        CatalogueEntry(
            name: "crossTenantAccessPolicy.partners",
            odataType: "#microsoft.graph.crossTenantAccessPolicyConfigurationPartner",
            listPath: "/policies/crossTenantAccessPolicy/partners",
            itemPath: "/policies/crossTenantAccessPolicy/partners/{id}", key: "tenantId",
            permissions: ["Policy.Read.All"], readOnly: ["id", "isServiceProvider", "isInMultiTenantOrganization"],
            createOnly: ["tenantId"], restore: .create,
            notes: "Partners are keyed by tenantId, which is stable: a restore recreates them under the same key."),
    ] + tokenPolicy("claimsMappingPolicy", "claimsMappingPolicies", "claimsMappingPolicy")
      + tokenPolicy("tokenLifetimePolicy", "tokenLifetimePolicies", "tokenLifetimePolicy")
      + tokenPolicy("tokenIssuancePolicy", "tokenIssuancePolicies", "tokenIssuancePolicy")
}
