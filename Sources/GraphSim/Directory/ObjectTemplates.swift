import Foundation

/// The complete shape Graph gives a newly created object: every property of the type, with the
/// defaults Entra fills in (empty collections, nested complex types with null members).
/// Creates from seeding, from Graph `POST`s and from the admin API all start from these.
enum ObjectTemplates {
    /// Collection-valued properties, which Graph returns as `[]` rather than null.
    static let collectionProperties: [String: Set<String>] = [
        "user": ["assignedLicenses", "assignedPlans", "businessPhones", "identities", "imAddresses",
                 "licenseAssignmentStates", "onPremisesProvisioningErrors", "otherMails", "provisionedPlans",
                 "proxyAddresses"],
        "group": ["creationOptions", "groupTypes", "onPremisesProvisioningErrors", "proxyAddresses",
                  "resourceBehaviorOptions", "resourceProvisioningOptions", "serviceProvisioningErrors"],
        "device": ["alternativeSecurityIds", "physicalIds", "systemLabels"],
        "conditionalAccessPolicy": [],
        "unifiedRoleDefinition": ["resourceScopes", "rolePermissions"],
        "federatedIdentityCredential": ["audiences"],
        "extensionProperty": ["targetObjects"],
        "groupSetting": ["values"],
        "groupLifecyclePolicy": [],
        "claimsMappingPolicy": ["definition"],
        "tokenLifetimePolicy": ["definition"],
        "tokenIssuancePolicy": ["definition"],
        "homeRealmDiscoveryPolicy": ["definition"],
        "activityBasedTimeoutPolicy": ["definition"],
    ]

    /// Every property of `type`, null or empty, in schema order.
    static func blank(_ type: ResourceType) -> JSONObject {
        switch type {
        case .application: return application(id: "", appId: "", displayName: "", createdDateTime: "", publisherDomain: "")
        case .servicePrincipal: return servicePrincipal(id: "", appId: "", displayName: "", appOwnerOrganizationId: nil)
        default: break
        }
        let collections = collectionProperties[type.name] ?? []
        var object = JSONObject()
        for property in type.properties where property != "@odata.type" && property != "@odata.id" {
            object.append(property, collections.contains(property) ? [] : .null)
        }
        return object
    }

    /// `base` with `changes` applied member by member; nested objects are replaced whole, as a
    /// Graph PATCH replaces complex properties.
    static func merged(_ base: JSONObject, _ changes: JSONObject) -> JSONObject {
        var result = base
        for member in changes {
            result[member.key] = member.value
        }
        return result
    }

    static func application(
        id: String,
        appId: String,
        displayName: String,
        createdDateTime: String,
        publisherDomain: String,
        signInAudience: String = "AzureADMyOrg"
    ) -> JSONObject {
        var object = JSONObject()
        object.append("id", .string(id))
        object.append("deletedDateTime", .null)
        object.append("addIns", [])
        object.append("api", [
            "requestedAccessTokenVersion": .null,
            "acceptMappedClaims": .null,
            "knownClientApplications": [],
            "oauth2PermissionScopes": [],
            "preAuthorizedApplications": [],
        ])
        object.append("appId", .string(appId))
        object.append("applicationTemplateId", .null)
        object.append("appRoles", [])
        object.append("certification", .null)
        object.append("createdDateTime", .string(createdDateTime))
        object.append("defaultRedirectUri", .null)
        object.append("description", .null)
        object.append("disabledByMicrosoftStatus", .null)
        object.append("displayName", .string(displayName))
        object.append("groupMembershipClaims", .null)
        object.append("identifierUris", [])
        object.append("info", [
            "termsOfServiceUrl": .null,
            "supportUrl": .null,
            "privacyStatementUrl": .null,
            "marketingUrl": .null,
            "logoUrl": .null,
        ])
        object.append("isDeviceOnlyAuthSupported", .null)
        object.append("isFallbackPublicClient", .null)
        object.append("keyCredentials", [])
        object.append("notes", .null)
        object.append("optionalClaims", .null)
        object.append("parentalControlSettings", [
            "countriesBlockedForMinors": [],
            "legalAgeGroupRule": "Allow",
        ])
        object.append("passwordCredentials", [])
        object.append("publicClient", ["redirectUris": []])
        object.append("publisherDomain", .string(publisherDomain))
        object.append("requiredResourceAccess", [])
        object.append("samlMetadataUrl", .null)
        object.append("serviceManagementReference", .null)
        object.append("servicePrincipalLockConfiguration", .null)
        object.append("signInAudience", .string(signInAudience))
        object.append("spa", ["redirectUris": []])
        object.append("tags", [])
        object.append("tokenEncryptionKeyId", .null)
        object.append("uniqueName", .null)
        object.append("verifiedPublisher", [
            "displayName": .null,
            "verifiedPublisherId": .null,
            "addedDateTime": .null,
        ])
        object.append("web", [
            "redirectUris": [],
            "homePageUrl": .null,
            "logoutUrl": .null,
            "redirectUriSettings": [],
            "implicitGrantSettings": [
                "enableIdTokenIssuance": false,
                "enableAccessTokenIssuance": false,
            ],
        ])
        return object
    }

    static func servicePrincipal(
        id: String,
        appId: String,
        displayName: String,
        appOwnerOrganizationId: String?,
        signInAudience: String = "AzureADMyOrg"
    ) -> JSONObject {
        var object = JSONObject()
        object.append("id", .string(id))
        object.append("deletedDateTime", .null)
        object.append("accountEnabled", true)
        object.append("addIns", [])
        object.append("alternativeNames", [])
        object.append("appDescription", .null)
        object.append("appDisplayName", .string(displayName))
        object.append("appId", .string(appId))
        object.append("applicationTemplateId", .null)
        object.append("appOwnerOrganizationId", .string(appOwnerOrganizationId))
        object.append("appRoleAssignmentRequired", false)
        object.append("appRoles", [])
        object.append("description", .null)
        object.append("disabledByMicrosoftStatus", .null)
        object.append("displayName", .string(displayName))
        object.append("endpoints", [])
        object.append("homepage", .null)
        object.append("info", [
            "termsOfServiceUrl": .null,
            "supportUrl": .null,
            "privacyStatementUrl": .null,
            "marketingUrl": .null,
            "logoUrl": .null,
        ])
        object.append("keyCredentials", [])
        object.append("loginUrl", .null)
        object.append("logoutUrl", .null)
        object.append("notes", .null)
        object.append("notificationEmailAddresses", [])
        object.append("oauth2PermissionScopes", [])
        object.append("passwordCredentials", [])
        object.append("preferredSingleSignOnMode", .null)
        object.append("preferredTokenSigningKeyThumbprint", .null)
        object.append("publisherName", .null)
        object.append("replyUrls", [])
        object.append("resourceSpecificApplicationPermissions", [])
        object.append("samlSingleSignOnSettings", .null)
        object.append("servicePrincipalNames", .array([.string(appId)]))
        object.append("servicePrincipalType", "Application")
        object.append("signInAudience", .string(signInAudience))
        object.append("tags", [])
        object.append("tokenEncryptionKeyId", .null)
        object.append("verifiedPublisher", [
            "displayName": .null,
            "verifiedPublisherId": .null,
            "addedDateTime": .null,
        ])
        return object
    }

    /// An `appRoleAssignment` between a principal and a resource service principal.
    static func appRoleAssignment(
        id: String,
        appRoleId: String,
        createdDateTime: String,
        principalId: String,
        principalDisplayName: String?,
        principalType: String,
        resourceId: String,
        resourceDisplayName: String?
    ) -> JSONObject {
        [
            "id": .string(id),
            "deletedDateTime": .null,
            "appRoleId": .string(appRoleId),
            "createdDateTime": .string(createdDateTime),
            "principalDisplayName": .string(principalDisplayName),
            "principalId": .string(principalId),
            "principalType": .string(principalType),
            "resourceDisplayName": .string(resourceDisplayName),
            "resourceId": .string(resourceId),
        ]
    }

    /// Graph's id for a delegated grant or an app role assignment: base64url of the GUID bytes
    /// it joins (which is why such ids look like `AVs6JuUDjkCFV7q2gd8QTPimBBgj5iBFj0C6GwwRxC0`).
    static func compositeId(_ guids: [String]) -> String {
        var bytes: [UInt8] = []
        for guid in guids {
            bytes.append(contentsOf: guidBytes(guid))
        }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The GUID's bytes in Microsoft's mixed-endian order.
    static func guidBytes(_ guid: String) -> [UInt8] {
        let hex = guid.filter(\.isHexDigit)
        guard hex.count == 32 else { return Array(guid.utf8.prefix(16)) }
        var raw: [UInt8] = []
        var index = hex.startIndex
        for _ in 0..<16 {
            let next = hex.index(index, offsetBy: 2)
            raw.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return [raw[3], raw[2], raw[1], raw[0], raw[5], raw[4], raw[7], raw[6]] + Array(raw[8..<16])
    }
}
