extension ResourceCatalogue {
    static let applicationProperties = [
        "id", "deletedDateTime", "addIns", "api", "appId", "applicationTemplateId", "appRoles",
        "certification", "createdDateTime", "defaultRedirectUri", "description",
        "disabledByMicrosoftStatus", "displayName", "groupMembershipClaims", "identifierUris", "info",
        "isDeviceOnlyAuthSupported", "isFallbackPublicClient", "keyCredentials", "notes",
        "optionalClaims", "parentalControlSettings", "passwordCredentials", "publicClient",
        "publisherDomain", "requiredResourceAccess", "samlMetadataUrl", "serviceManagementReference",
        "servicePrincipalLockConfiguration", "signInAudience", "spa", "tags", "tokenEncryptionKeyId",
        "uniqueName", "verifiedPublisher", "web",
    ]

    static let servicePrincipalProperties = [
        "id", "deletedDateTime", "accountEnabled", "addIns", "alternativeNames", "appDescription",
        "appDisplayName", "appId", "applicationTemplateId", "appOwnerOrganizationId",
        "appRoleAssignmentRequired", "appRoles", "description", "disabledByMicrosoftStatus",
        "displayName", "endpoints", "homepage", "info", "keyCredentials", "loginUrl", "logoutUrl", "notes",
        "notificationEmailAddresses", "oauth2PermissionScopes", "passwordCredentials",
        "preferredSingleSignOnMode", "preferredTokenSigningKeyThumbprint", "publisherName", "replyUrls",
        "resourceSpecificApplicationPermissions", "samlSingleSignOnSettings", "servicePrincipalNames",
        "servicePrincipalType", "signInAudience", "tags", "tokenEncryptionKeyId", "verifiedPublisher",
    ]

    static let applications: [CatalogueEntry] = [
        CatalogueEntry(
            name: "application", odataType: "#microsoft.graph.application",
            listPath: "/applications", itemPath: "/applications/{id}", select: applicationProperties,
            delta: .init(path: "/applications/delta", select: applicationProperties),
            permissions: ["Application.Read.All", "Directory.Read.All"],
            references: [ObjectReference("requiredResourceAccess[].resourceAppId", to: ["servicePrincipal"], key: .appId)],
            readOnly: [
                "id", "deletedDateTime", "appId", "createdDateTime", "publisherDomain", "passwordCredentials",
                "certification", "disabledByMicrosoftStatus", "verifiedPublisher",
            ],
            createOnly: ["uniqueName"],
            softDelete: .directoryDeletedItems, restore: .undeleteOrCreate,
            notes: "Key and password credentials are metadata only: secret values are never readable, and "
                + "keyCredentials' public keys are returned only with $select. A recreated app gets a new appId "
                + "and new secrets."),
        CatalogueEntry(
            name: "application.owners", odataType: "#microsoft.graph.directoryObject", kind: .relationship,
            parent: "application", listPath: "/applications/{0}/owners?$select=id",
            permissions: ["Application.Read.All", "Directory.Read.All"],
            references: [ObjectReference("id", to: ["user", "servicePrincipal"])], restore: .relink),
        CatalogueEntry(
            name: "application.federatedIdentityCredentials", odataType: "#microsoft.graph.federatedIdentityCredential",
            parent: "application", listPath: "/applications/{0}/federatedIdentityCredentials",
            itemPath: "/applications/{0}/federatedIdentityCredentials/{id}",
            permissions: ["Application.Read.All"], createOnly: ["name"], restore: .create),
        CatalogueEntry(
            name: "application.extensionProperties", odataType: "#microsoft.graph.extensionProperty",
            parent: "application", listPath: "/applications/{0}/extensionProperties",
            itemPath: "/applications/{0}/extensionProperties/{id}",
            permissions: ["Application.Read.All", "Directory.Read.All"],
            readOnly: ["id", "deletedDateTime", "appDisplayName", "isSyncedFromOnPremises"],
            createOnly: ["name", "dataType", "isMultiValued", "targetObjects"], restore: .create,
            notes: "Directory extension properties (custom attributes); the values live on users and groups "
                + "as extension_{appId}_{name} properties."),
        CatalogueEntry(
            name: "servicePrincipal", odataType: "#microsoft.graph.servicePrincipal",
            listPath: "/servicePrincipals", itemPath: "/servicePrincipals/{id}", select: servicePrincipalProperties,
            delta: .init(path: "/servicePrincipals/delta", select: servicePrincipalProperties),
            permissions: ["Application.Read.All", "Directory.Read.All"],
            references: [ObjectReference("appId", to: ["application"], key: .appId)],
            readOnly: [
                "id", "deletedDateTime", "appDisplayName", "appOwnerOrganizationId", "passwordCredentials",
                "resourceSpecificApplicationPermissions", "servicePrincipalType", "signInAudience",
                "disabledByMicrosoftStatus", "verifiedPublisher", "publisherName", "endpoints",
            ],
            createOnly: ["appId"],
            softDelete: .directoryDeletedItems, restore: .undeleteOrCreate,
            notes: "Single sign-on settings are the preferredSingleSignOnMode, samlSingleSignOnSettings, "
                + "preferredTokenSigningKeyThumbprint, loginUrl and replyUrls properties; token policies "
                + "assigned to it are the policies' appliesTo relationships."),
        CatalogueEntry(
            name: "servicePrincipal.owners", odataType: "#microsoft.graph.directoryObject", kind: .relationship,
            parent: "servicePrincipal", listPath: "/servicePrincipals/{0}/owners?$select=id",
            permissions: ["Application.Read.All", "Directory.Read.All"],
            references: [ObjectReference("id", to: ["user", "servicePrincipal"])], restore: .relink),
        CatalogueEntry(
            name: "servicePrincipal.appRoleAssignedTo", odataType: "#microsoft.graph.appRoleAssignment",
            parent: "servicePrincipal", listPath: "/servicePrincipals/{0}/appRoleAssignedTo",
            itemPath: "/servicePrincipals/{0}/appRoleAssignedTo/{id}",
            permissions: ["Application.Read.All", "Directory.Read.All"],
            references: [
                ObjectReference("principalId", to: ["user", "group", "servicePrincipal"]),
                ObjectReference("resourceId", to: ["servicePrincipal"]),
            ],
            readOnly: ["id", "createdDateTime", "deletedDateTime", "principalDisplayName", "principalType",
                       "resourceDisplayName"],
            createOnly: ["principalId", "resourceId", "appRoleId"], restore: .relink,
            notes: "Every app role assignment granted on this resource, to users, groups and service principals."),
        CatalogueEntry(
            name: "oAuth2PermissionGrant", odataType: "#microsoft.graph.oAuth2PermissionGrant",
            listPath: "/oauth2PermissionGrants", itemPath: "/oauth2PermissionGrants/{id}",
            delta: .init(path: "/oauth2PermissionGrants/delta"),
            permissions: ["DelegatedPermissionGrant.Read.All", "Directory.Read.All"],
            references: [
                ObjectReference("clientId", to: ["servicePrincipal"]),
                ObjectReference("resourceId", to: ["servicePrincipal"]),
                ObjectReference("principalId", to: ["user"]),
            ],
            createOnly: ["clientId", "consentType", "principalId", "resourceId"], restore: .create),
    ]
}
