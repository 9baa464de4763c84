/// One Graph entity type as graph-sim serves it: its properties in schema order, which of them
/// Graph returns by default, which are read-only, how lists page, and the permissions it needs.
public struct ResourceType: Sendable, Hashable, CustomStringConvertible {
    public enum Paging: Sendable, Hashable {
        /// `$top` between 1 and `maximum`; `defaultSize` without it.
        case paged(defaultSize: Int, maximum: Int)
        /// Every item in one response; `$top` is rejected.
        case unpaged
    }

    /// Graph's type name, `user` for `#microsoft.graph.user`.
    public let name: String
    /// The entity set in `@odata.context` URLs (`users`, `identity/conditionalAccess/policies`).
    public let entitySet: String
    /// Every property in schema order; created objects are completed with nulls to this list.
    public let properties: [String]
    /// What Graph returns without `$select`; nil means every property.
    public let defaultProperties: [String]?
    /// Properties a client may not write; Graph rejects them on create and update.
    public let readOnly: Set<String>
    /// Whether it derives from directoryObject (polymorphic collections tag it with `@odata.type`).
    public let isDirectoryObject: Bool
    /// Whether deleting it moves it to a deleted-items container for 30 days.
    public let softDeletes: Bool
    public let paging: Paging
    public let hasDelta: Bool
    public let read: PermissionRule
    public let write: PermissionRule

    public var odataType: String { "#microsoft.graph.\(name)" }
    public var description: String { name }

    public static func == (lhs: ResourceType, rhs: ResourceType) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    init(
        name: String,
        entitySet: String,
        properties: [String],
        defaultProperties: [String]? = nil,
        readOnly: Set<String> = ["id"],
        isDirectoryObject: Bool = false,
        softDeletes: Bool = false,
        paging: Paging = .unpaged,
        hasDelta: Bool = false,
        read: PermissionRule,
        write: PermissionRule
    ) {
        self.name = name
        self.entitySet = entitySet
        self.properties = properties
        self.defaultProperties = defaultProperties
        self.readOnly = readOnly
        self.isDirectoryObject = isDirectoryObject
        self.softDeletes = softDeletes
        self.paging = paging
        self.hasDelta = hasDelta
        self.read = read
        self.write = write
    }

    var maximumPageSize: Int? {
        if case .paged(_, let maximum) = paging { return maximum }
        return nil
    }

    func isKnownProperty(_ name: String) -> Bool {
        propertySet.contains(name) || name.hasPrefix("extension_")
    }

    private var propertySet: Set<String> { ResourceType.propertySets[self.name] ?? Set(properties) }
}

extension ResourceType {
    static let standardPaging = Paging.paged(defaultSize: 100, maximum: 999)

    public static let user = ResourceType(
        name: "user",
        entitySet: "users",
        properties: [
            "id", "deletedDateTime", "accountEnabled", "ageGroup", "assignedLicenses", "assignedPlans",
            "businessPhones", "city", "companyName", "consentProvidedForMinor", "country",
            "createdDateTime", "creationType", "department", "displayName", "employeeHireDate",
            "employeeId", "employeeLeaveDateTime", "employeeOrgData", "employeeType", "externalUserState",
            "externalUserStateChangeDateTime", "faxNumber", "givenName", "identities", "imAddresses",
            "isResourceAccount", "jobTitle", "lastPasswordChangeDateTime", "legalAgeGroupClassification",
            "licenseAssignmentStates", "mail", "mailNickname", "mobilePhone", "officeLocation",
            "onPremisesDistinguishedName", "onPremisesDomainName", "onPremisesExtensionAttributes",
            "onPremisesImmutableId", "onPremisesLastSyncDateTime", "onPremisesProvisioningErrors",
            "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled",
            "onPremisesUserPrincipalName", "otherMails", "passwordPolicies", "passwordProfile",
            "postalCode", "preferredDataLocation", "preferredLanguage", "provisionedPlans",
            "proxyAddresses", "securityIdentifier", "showInAddressList",
            "signInSessionsValidFromDateTime", "state", "streetAddress", "surname", "usageLocation",
            "userPrincipalName", "userType", "customSecurityAttributes",
        ],
        defaultProperties: [
            "businessPhones", "displayName", "givenName", "jobTitle", "mail", "mobilePhone",
            "officeLocation", "preferredLanguage", "surname", "userPrincipalName", "id",
        ],
        readOnly: [
            "id", "deletedDateTime", "createdDateTime", "creationType", "assignedPlans", "provisionedPlans",
            "licenseAssignmentStates", "imAddresses", "legalAgeGroupClassification",
            "lastPasswordChangeDateTime", "onPremisesDistinguishedName", "onPremisesDomainName",
            "onPremisesLastSyncDateTime", "onPremisesProvisioningErrors", "onPremisesSamAccountName",
            "onPremisesSecurityIdentifier", "onPremisesSyncEnabled", "onPremisesUserPrincipalName",
            "proxyAddresses", "securityIdentifier", "signInSessionsValidFromDateTime",
            "externalUserStateChangeDateTime", "assignedLicenses",
        ],
        isDirectoryObject: true,
        softDeletes: true,
        paging: standardPaging,
        hasDelta: true,
        read: .any("User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("User.ReadWrite.All", "Directory.ReadWrite.All")
    )

    public static let group = ResourceType(
        name: "group",
        entitySet: "groups",
        properties: [
            "id", "deletedDateTime", "classification", "createdDateTime", "creationOptions", "description",
            "displayName", "expirationDateTime", "groupTypes", "isAssignableToRole", "mail", "mailEnabled",
            "mailNickname", "membershipRule", "membershipRuleProcessingState", "onPremisesDomainName",
            "onPremisesLastSyncDateTime", "onPremisesNetBiosName", "onPremisesProvisioningErrors",
            "onPremisesSamAccountName", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled",
            "preferredDataLocation", "preferredLanguage", "proxyAddresses", "renewedDateTime",
            "resourceBehaviorOptions", "resourceProvisioningOptions", "securityEnabled",
            "securityIdentifier", "serviceProvisioningErrors", "theme", "visibility",
        ],
        readOnly: [
            "id", "deletedDateTime", "createdDateTime", "expirationDateTime", "renewedDateTime", "mail",
            "proxyAddresses", "onPremisesDomainName", "onPremisesLastSyncDateTime", "onPremisesNetBiosName",
            "onPremisesProvisioningErrors", "onPremisesSamAccountName", "onPremisesSecurityIdentifier",
            "onPremisesSyncEnabled", "securityIdentifier", "serviceProvisioningErrors", "creationOptions",
        ],
        isDirectoryObject: true,
        softDeletes: true,
        paging: standardPaging,
        hasDelta: true,
        read: .any("Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("Group.ReadWrite.All", "Directory.ReadWrite.All")
    )

    public static let application = ResourceType(
        name: "application",
        entitySet: "applications",
        properties: [
            "id", "deletedDateTime", "addIns", "api", "appId", "applicationTemplateId", "appRoles",
            "certification", "createdDateTime", "defaultRedirectUri", "description",
            "disabledByMicrosoftStatus", "displayName", "groupMembershipClaims", "identifierUris", "info",
            "isDeviceOnlyAuthSupported", "isFallbackPublicClient", "keyCredentials", "notes",
            "optionalClaims", "parentalControlSettings", "passwordCredentials", "publicClient",
            "publisherDomain", "requiredResourceAccess", "samlMetadataUrl", "serviceManagementReference",
            "servicePrincipalLockConfiguration", "signInAudience", "spa", "tags", "tokenEncryptionKeyId",
            "uniqueName", "verifiedPublisher", "web",
        ],
        readOnly: [
            "id", "deletedDateTime", "appId", "createdDateTime", "publisherDomain", "passwordCredentials",
            "certification", "disabledByMicrosoftStatus", "verifiedPublisher",
        ],
        isDirectoryObject: true,
        softDeletes: true,
        paging: standardPaging,
        hasDelta: true,
        read: .any("Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy",
                   "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("Application.ReadWrite.All", "Application.ReadWrite.OwnedBy")
    )

    public static let servicePrincipal = ResourceType(
        name: "servicePrincipal",
        entitySet: "servicePrincipals",
        properties: [
            "id", "deletedDateTime", "accountEnabled", "addIns", "alternativeNames", "appDescription",
            "appDisplayName", "appId", "applicationTemplateId", "appOwnerOrganizationId",
            "appRoleAssignmentRequired", "appRoles", "description", "disabledByMicrosoftStatus",
            "displayName", "endpoints", "homepage", "info", "keyCredentials", "loginUrl", "logoutUrl", "notes",
            "notificationEmailAddresses", "oauth2PermissionScopes", "passwordCredentials",
            "preferredSingleSignOnMode", "preferredTokenSigningKeyThumbprint", "publisherName", "replyUrls",
            "resourceSpecificApplicationPermissions", "samlSingleSignOnSettings", "servicePrincipalNames",
            "servicePrincipalType", "signInAudience", "tags", "tokenEncryptionKeyId", "verifiedPublisher",
            "customSecurityAttributes",
        ],
        readOnly: [
            "id", "deletedDateTime", "appDisplayName", "appOwnerOrganizationId", "passwordCredentials",
            "resourceSpecificApplicationPermissions", "servicePrincipalType", "signInAudience",
            "disabledByMicrosoftStatus", "verifiedPublisher", "publisherName", "endpoints",
        ],
        isDirectoryObject: true,
        softDeletes: true,
        paging: standardPaging,
        hasDelta: true,
        read: .any("Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy",
                   "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("Application.ReadWrite.All", "Application.ReadWrite.OwnedBy")
    )

    public static let device = ResourceType(
        name: "device",
        entitySet: "devices",
        properties: [
            "id", "deletedDateTime", "accountEnabled", "alternativeSecurityIds", "approximateLastSignInDateTime",
            "complianceExpirationDateTime", "deviceCategory", "deviceId", "deviceMetadata", "deviceOwnership",
            "deviceVersion", "displayName", "enrollmentProfileName", "enrollmentType", "extensionAttributes",
            "isCompliant", "isManaged", "isManagementRestricted", "isRooted", "managementType", "manufacturer",
            "mdmAppId", "model", "onPremisesLastSyncDateTime", "onPremisesSecurityIdentifier",
            "onPremisesSyncEnabled", "operatingSystem", "operatingSystemVersion", "physicalIds", "profileType",
            "registrationDateTime", "systemLabels", "trustType",
        ],
        readOnly: [
            "id", "deletedDateTime", "approximateLastSignInDateTime", "complianceExpirationDateTime",
            "isCompliant", "isManaged", "onPremisesLastSyncDateTime", "onPremisesSecurityIdentifier",
            "onPremisesSyncEnabled", "registrationDateTime", "isManagementRestricted",
        ],
        isDirectoryObject: true,
        paging: standardPaging,
        hasDelta: true,
        read: .any("Device.Read.All", "Device.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("Device.ReadWrite.All", "Directory.ReadWrite.All")
    )

    public static let administrativeUnit = ResourceType(
        name: "administrativeUnit",
        entitySet: "directory/administrativeUnits",
        properties: [
            "id", "deletedDateTime", "description", "displayName", "isMemberManagementRestricted",
            "membershipRule", "membershipRuleProcessingState", "membershipType", "visibility",
        ],
        readOnly: ["id", "deletedDateTime"],
        isDirectoryObject: true,
        softDeletes: true,
        paging: standardPaging,
        hasDelta: true,
        read: .any("AdministrativeUnit.Read.All", "AdministrativeUnit.ReadWrite.All",
                   "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("AdministrativeUnit.ReadWrite.All", "Directory.ReadWrite.All")
    )

    public static let directoryRole = ResourceType(
        name: "directoryRole",
        entitySet: "directoryRoles",
        properties: ["id", "deletedDateTime", "description", "displayName", "roleTemplateId"],
        readOnly: ["id", "deletedDateTime", "description", "displayName"],
        isDirectoryObject: true,
        paging: .unpaged,
        hasDelta: true,
        read: .any("RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory",
                   "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("RoleManagement.ReadWrite.Directory", "Directory.ReadWrite.All")
    )

    public static let directoryRoleTemplate = ResourceType(
        name: "directoryRoleTemplate",
        entitySet: "directoryRoleTemplates",
        properties: ["id", "deletedDateTime", "description", "displayName"],
        readOnly: ["id", "deletedDateTime", "description", "displayName"],
        isDirectoryObject: true,
        read: .any("RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory",
                   "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("RoleManagement.ReadWrite.Directory")
    )

    public static let appRoleAssignment = ResourceType(
        name: "appRoleAssignment",
        entitySet: "appRoleAssignments",
        properties: [
            "id", "deletedDateTime", "appRoleId", "createdDateTime", "principalDisplayName", "principalId",
            "principalType", "resourceDisplayName", "resourceId",
        ],
        readOnly: ["id", "deletedDateTime", "createdDateTime", "principalDisplayName", "principalType",
                   "resourceDisplayName"],
        paging: standardPaging,
        read: .any("Application.Read.All", "Application.ReadWrite.All", "AppRoleAssignment.ReadWrite.All",
                   "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("AppRoleAssignment.ReadWrite.All")
    )

    public static let oAuth2PermissionGrant = ResourceType(
        name: "oAuth2PermissionGrant",
        entitySet: "oauth2PermissionGrants",
        properties: ["@odata.id", "clientId", "consentType", "id", "principalId", "resourceId", "scope"],
        readOnly: ["id", "@odata.id"],
        paging: standardPaging,
        hasDelta: true,
        read: .any("DelegatedPermissionGrant.Read.All", "DelegatedPermissionGrant.ReadWrite.All",
                   "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All")
    )

    static let conditionalAccessRead = PermissionRule.any("Policy.Read.All", "Policy.ReadWrite.ConditionalAccess")
    static let conditionalAccessWrite = PermissionRule(
        alternatives: [["Policy.Read.All", "Policy.ReadWrite.ConditionalAccess"]]
    )

    public static let conditionalAccessPolicy = ResourceType(
        name: "conditionalAccessPolicy",
        entitySet: "identity/conditionalAccess/policies",
        properties: [
            "id", "templateId", "displayName", "description", "createdDateTime", "modifiedDateTime",
            "deletedDateTime", "state", "conditions", "grantControls", "sessionControls",
        ],
        readOnly: ["id", "createdDateTime", "modifiedDateTime", "deletedDateTime", "templateId"],
        softDeletes: true,
        read: conditionalAccessRead,
        write: conditionalAccessWrite
    )

    public static let namedLocation = ResourceType(
        name: "namedLocation",
        entitySet: "identity/conditionalAccess/namedLocations",
        properties: [
            "@odata.type", "id", "displayName", "modifiedDateTime", "createdDateTime", "deletedDateTime",
            "isTrusted", "ipRanges", "countriesAndRegions", "includeUnknownCountriesAndRegions",
            "countryLookupMethod",
        ],
        readOnly: ["id", "createdDateTime", "modifiedDateTime", "deletedDateTime"],
        softDeletes: true,
        read: conditionalAccessRead,
        write: conditionalAccessWrite
    )

    static let roleManagementRead = PermissionRule.any(
        "RoleManagement.Read.Directory", "RoleManagement.Read.All", "RoleManagement.ReadWrite.Directory",
        "Directory.Read.All", "Directory.ReadWrite.All"
    )

    public static let unifiedRoleDefinition = ResourceType(
        name: "unifiedRoleDefinition",
        entitySet: "roleManagement/directory/roleDefinitions",
        properties: [
            "id", "description", "displayName", "isBuiltIn", "isEnabled", "resourceScopes",
            "templateId", "version", "rolePermissions",
        ],
        readOnly: ["id", "isBuiltIn"],
        read: roleManagementRead,
        write: .any("RoleManagement.ReadWrite.Directory")
    )

    public static let unifiedRoleAssignment = ResourceType(
        name: "unifiedRoleAssignment",
        entitySet: "roleManagement/directory/roleAssignments",
        properties: ["id", "principalId", "resourceScope", "directoryScopeId", "roleDefinitionId"],
        readOnly: ["id", "resourceScope"],
        paging: standardPaging,
        read: roleManagementRead,
        write: .any("RoleManagement.ReadWrite.Directory")
    )

    public static let authenticationMethod = ResourceType(
        name: "authenticationMethod",
        entitySet: "users('{id}')/authentication/methods",
        properties: ["@odata.type", "id"],
        readOnly: ["id", "createdDateTime", "creationDateTime"],
        read: .any("UserAuthenticationMethod.Read.All", "UserAuthenticationMethod.ReadWrite.All"),
        write: .any("UserAuthenticationMethod.ReadWrite.All")
    )

    public static let federatedIdentityCredential = ResourceType(
        name: "federatedIdentityCredential",
        entitySet: "applications('{id}')/federatedIdentityCredentials",
        properties: ["id", "name", "issuer", "subject", "description", "audiences"],
        readOnly: ["id"],
        read: .any("Application.Read.All", "Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"),
        write: .any("Application.ReadWrite.All", "Application.ReadWrite.OwnedBy")
    )

    public static let extensionProperty = ResourceType(
        name: "extensionProperty",
        entitySet: "applications('{id}')/extensionProperties",
        properties: [
            "id", "deletedDateTime", "appDisplayName", "dataType", "isMultiValued", "isSyncedFromOnPremises",
            "name", "targetObjects",
        ],
        readOnly: ["id", "deletedDateTime", "appDisplayName", "isSyncedFromOnPremises"],
        isDirectoryObject: true,
        read: .any("Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All",
                   "Directory.ReadWrite.All"),
        write: .any("Application.ReadWrite.All", "Directory.ReadWrite.All")
    )

    public static let groupSetting = ResourceType(
        name: "groupSetting",
        entitySet: "groupSettings",
        properties: ["id", "displayName", "templateId", "values"],
        readOnly: ["id", "displayName"],
        read: .any("GroupSettings.Read.All", "GroupSettings.ReadWrite.All", "Directory.Read.All",
                   "Directory.ReadWrite.All"),
        write: .any("GroupSettings.ReadWrite.All", "Directory.ReadWrite.All")
    )

    public static let groupSettingTemplate = ResourceType(
        name: "groupSettingTemplate",
        entitySet: "groupSettingTemplates",
        properties: ["id", "deletedDateTime", "description", "displayName", "values"],
        readOnly: ["id", "deletedDateTime", "description", "displayName", "values"],
        isDirectoryObject: true,
        read: .directoryRead,
        write: .directoryWrite
    )

    public static let groupLifecyclePolicy = ResourceType(
        name: "groupLifecyclePolicy",
        entitySet: "groupLifecyclePolicies",
        properties: ["id", "alternateNotificationEmails", "groupLifetimeInDays", "managedGroupTypes"],
        read: .directoryRead,
        write: .directoryWrite
    )

    public static let domain = ResourceType(
        name: "domain",
        entitySet: "domains",
        properties: [
            "id", "authenticationType", "availabilityStatus", "isAdminManaged", "isDefault", "isInitial",
            "isRoot", "isVerified", "passwordNotificationWindowInDays", "passwordValidityPeriodInDays",
            "supportedServices", "state",
        ],
        readOnly: ["id", "availabilityStatus", "isAdminManaged", "isInitial", "isRoot", "isVerified", "state"],
        read: .any("Domain.Read.All", "Domain.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("Domain.ReadWrite.All")
    )

    public static let organization = ResourceType(
        name: "organization",
        entitySet: "organization",
        properties: [
            "id", "deletedDateTime", "assignedPlans", "businessPhones", "city", "country", "countryLetterCode",
            "createdDateTime", "defaultUsageLocation", "displayName", "marketingNotificationEmails",
            "onPremisesLastSyncDateTime", "onPremisesSyncEnabled", "postalCode", "preferredLanguage",
            "privacyProfile", "provisionedPlans", "securityComplianceNotificationMails",
            "securityComplianceNotificationPhones", "state", "street", "technicalNotificationMails",
            "tenantType", "verifiedDomains",
        ],
        readOnly: [
            "id", "deletedDateTime", "assignedPlans", "createdDateTime", "provisionedPlans", "verifiedDomains",
            "tenantType", "onPremisesLastSyncDateTime", "displayName", "countryLetterCode",
        ],
        isDirectoryObject: true,
        read: .any("Organization.Read.All", "Organization.ReadWrite.All", "Directory.Read.All",
                   "Directory.ReadWrite.All", "User.Read.All"),
        write: .any("Organization.ReadWrite.All")
    )

    public static let subscribedSku = ResourceType(
        name: "subscribedSku",
        entitySet: "subscribedSkus",
        properties: [
            "id", "accountId", "accountName", "appliesTo", "capabilityStatus", "consumedUnits", "prepaidUnits",
            "servicePlans", "skuId", "skuPartNumber", "subscriptionIds",
        ],
        readOnly: Set(["id", "accountId", "accountName", "appliesTo", "capabilityStatus", "consumedUnits",
                       "prepaidUnits", "servicePlans", "skuId", "skuPartNumber", "subscriptionIds"]),
        read: .any("LicenseAssignment.Read.All", "Organization.Read.All", "Directory.Read.All",
                   "Organization.ReadWrite.All", "Directory.ReadWrite.All"),
        write: .none
    )

    static let policyProperties = ["id", "deletedDateTime", "definition", "description", "displayName",
                                   "isOrganizationDefault"]
    static let applicationConfigurationPolicyRead = PermissionRule.any(
        "Policy.Read.All", "Policy.ReadWrite.ApplicationConfiguration"
    )

    public static let claimsMappingPolicy = ResourceType(
        name: "claimsMappingPolicy",
        entitySet: "policies/claimsMappingPolicies",
        properties: policyProperties,
        readOnly: ["id", "deletedDateTime"],
        isDirectoryObject: true,
        read: applicationConfigurationPolicyRead,
        write: .any("Policy.ReadWrite.ApplicationConfiguration")
    )

    public static let tokenLifetimePolicy = ResourceType(
        name: "tokenLifetimePolicy",
        entitySet: "policies/tokenLifetimePolicies",
        properties: policyProperties,
        readOnly: ["id", "deletedDateTime"],
        isDirectoryObject: true,
        read: applicationConfigurationPolicyRead,
        write: .any("Policy.ReadWrite.ApplicationConfiguration")
    )

    public static let tokenIssuancePolicy = ResourceType(
        name: "tokenIssuancePolicy",
        entitySet: "policies/tokenIssuancePolicies",
        properties: policyProperties,
        readOnly: ["id", "deletedDateTime"],
        isDirectoryObject: true,
        read: applicationConfigurationPolicyRead,
        write: .any("Policy.ReadWrite.ApplicationConfiguration")
    )

    static let crossTenantRead = PermissionRule.any("Policy.Read.All", "Policy.ReadWrite.CrossTenantAccess")

    public static let crossTenantAccessPolicyConfigurationPartner = ResourceType(
        name: "crossTenantAccessPolicyConfigurationPartner",
        entitySet: "policies/crossTenantAccessPolicy/partners",
        properties: [
            "tenantId", "isServiceProvider", "isInMultiTenantOrganization", "inboundTrust",
            "b2bCollaborationOutbound", "b2bCollaborationInbound", "b2bDirectConnectOutbound",
            "b2bDirectConnectInbound", "tenantRestrictions", "automaticUserConsentSettings",
        ],
        readOnly: ["isInMultiTenantOrganization"],
        read: crossTenantRead,
        write: .any("Policy.ReadWrite.CrossTenantAccess")
    )

    public static let scopedRoleMembership = ResourceType(
        name: "scopedRoleMembership",
        entitySet: "directory/administrativeUnits('{id}')/scopedRoleMembers",
        properties: ["id", "administrativeUnitId", "roleId", "roleMemberInfo"],
        readOnly: ["id", "administrativeUnitId"],
        read: .any("RoleManagement.Read.Directory", "RoleManagement.ReadWrite.Directory",
                   "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .any("RoleManagement.ReadWrite.Directory")
    )

    public static let directoryAudit = ResourceType(
        name: "directoryAudit",
        entitySet: "auditLogs/directoryAudits",
        properties: [
            "id", "category", "correlationId", "result", "resultReason", "activityDisplayName",
            "activityDateTime", "loggedByService", "operationType", "initiatedBy", "targetResources",
            "additionalDetails",
        ],
        readOnly: ["id"],
        paging: .paged(defaultSize: 100, maximum: 999),
        read: .any("AuditLog.Read.All"),
        write: .none
    )

    static let synchronizationRead = PermissionRule.any("Synchronization.Read.All", "Synchronization.ReadWrite.All")

    public static let synchronizationJob = ResourceType(
        name: "synchronizationJob",
        entitySet: "servicePrincipals('{id}')/synchronization/jobs",
        properties: ["id", "templateId", "schedule", "status", "synchronizationJobSettings"],
        readOnly: ["id", "status"],
        read: synchronizationRead,
        write: .any("Synchronization.ReadWrite.All")
    )

    public static let synchronizationSchema = ResourceType(
        name: "synchronizationSchema",
        entitySet: "servicePrincipals('{id}')/synchronization/jobs('{id}')/schema",
        properties: ["id", "version", "directories", "synchronizationRules"],
        readOnly: ["id"],
        read: synchronizationRead,
        write: .any("Synchronization.ReadWrite.All")
    )

    public static let onPremisesDirectorySynchronization = ResourceType(
        name: "onPremisesDirectorySynchronization",
        entitySet: "directory/onPremisesSynchronization",
        properties: ["id", "configuration", "features"],
        readOnly: ["id"],
        read: .any("OnPremDirectorySynchronization.Read.All", "OnPremDirectorySynchronization.ReadWrite.All"),
        write: .any("OnPremDirectorySynchronization.ReadWrite.All")
    )

    public static let authenticationMethodsPolicy = ResourceType(
        name: "authenticationMethodsPolicy",
        entitySet: "authenticationMethodsPolicy",
        properties: [
            "id", "displayName", "description", "lastModifiedDateTime", "policyVersion",
            "registrationEnforcement", "authenticationMethodConfigurations",
        ],
        readOnly: ["id", "lastModifiedDateTime", "policyVersion", "displayName", "description"],
        read: .any("Policy.Read.AuthenticationMethod", "Policy.ReadWrite.AuthenticationMethod"),
        write: .any("Policy.ReadWrite.AuthenticationMethod")
    )

    public static let authorizationPolicy = ResourceType(
        name: "authorizationPolicy",
        entitySet: "policies/authorizationPolicy",
        properties: [
            "id", "allowInvitesFrom", "allowedToSignUpEmailBasedSubscriptions", "allowedToUseSSPR",
            "allowEmailVerifiedUsersToJoinOrganization", "allowUserConsentForRiskyApps", "blockMsolPowerShell",
            "displayName", "description", "guestUserRoleId", "defaultUserRolePermissions",
        ],
        readOnly: ["id", "displayName", "description"],
        read: .any("Policy.Read.All", "Policy.ReadWrite.Authorization"),
        write: .any("Policy.ReadWrite.Authorization")
    )

    public static let crossTenantAccessPolicy = ResourceType(
        name: "crossTenantAccessPolicy",
        entitySet: "policies/crossTenantAccessPolicy",
        properties: ["id", "displayName", "definition", "allowedCloudEndpoints"],
        readOnly: ["id", "definition"],
        read: crossTenantRead,
        write: .any("Policy.ReadWrite.CrossTenantAccess")
    )

    public static let crossTenantAccessPolicyConfigurationDefault = ResourceType(
        name: "crossTenantAccessPolicyConfigurationDefault",
        entitySet: "policies/crossTenantAccessPolicy/default",
        properties: [
            "id", "isServiceDefault", "inboundTrust", "b2bCollaborationOutbound", "b2bCollaborationInbound",
            "b2bDirectConnectOutbound", "b2bDirectConnectInbound", "tenantRestrictions",
            "automaticUserConsentSettings", "invitationRedemptionIdentityProviderConfiguration",
        ],
        readOnly: ["id", "isServiceDefault"],
        read: crossTenantRead,
        write: .any("Policy.ReadWrite.CrossTenantAccess")
    )

    /// Every type graph-sim stores, for the admin state dump and persistence.
    public static let all: [ResourceType] = [
        .user, .group, .application, .servicePrincipal, .device, .administrativeUnit, .directoryRole,
        .directoryRoleTemplate, .appRoleAssignment, .oAuth2PermissionGrant, .conditionalAccessPolicy,
        .namedLocation, .unifiedRoleDefinition, .unifiedRoleAssignment, .authenticationMethod,
        .federatedIdentityCredential, .extensionProperty, .groupSetting, .groupSettingTemplate,
        .groupLifecyclePolicy, .domain, .organization, .subscribedSku, .claimsMappingPolicy,
        .tokenLifetimePolicy, .tokenIssuancePolicy, .crossTenantAccessPolicyConfigurationPartner,
        .scopedRoleMembership, .directoryAudit, .synchronizationJob, .synchronizationSchema,
        .onPremisesDirectorySynchronization, .authenticationMethodsPolicy, .authorizationPolicy,
        .crossTenantAccessPolicy, .crossTenantAccessPolicyConfigurationDefault,
    ] + privilegedAccess + groupPrivilegedAccess + customSecurityAttributes + [.organizationalBrandingLocalization, .orgContact] + authenticationStrengths + tenantPolicies + applicationPolicies + governance

    static let byName: [String: ResourceType] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    public static func named(_ name: String) -> ResourceType? { byName[name] }

    /// Types with a `delta` function in v1.0 that graph-sim implements.
    public static let deltaTypes: [ResourceType] = all.filter(\.hasDelta)

    static let propertySets: [String: Set<String>] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, Set($0.properties)) }
    )
}
