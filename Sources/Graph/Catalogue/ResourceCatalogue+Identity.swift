extension ResourceCatalogue {
    static let userProperties = [
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
        "userPrincipalName", "userType",
    ]

    static let identity: [CatalogueEntry] = [
        CatalogueEntry(
            name: "user", odataType: "#microsoft.graph.user",
            listPath: "/users", itemPath: "/users/{id}", select: userProperties,
            delta: .init(path: "/users/delta", select: userProperties + ["manager"], relationships: ["manager@delta": "user.manager"]),
            permissions: ["User.Read.All", "Directory.Read.All"],
            references: [ObjectReference("assignedLicenses[].skuId", to: ["subscribedSku"], key: .skuId)],
            readOnly: [
                "id", "deletedDateTime", "createdDateTime", "creationType", "assignedPlans", "provisionedPlans",
                "licenseAssignmentStates", "imAddresses", "legalAgeGroupClassification", "lastPasswordChangeDateTime",
                "onPremisesDistinguishedName", "onPremisesDomainName", "onPremisesLastSyncDateTime",
                "onPremisesProvisioningErrors", "onPremisesSamAccountName", "onPremisesSecurityIdentifier",
                "onPremisesSyncEnabled", "onPremisesUserPrincipalName", "proxyAddresses", "securityIdentifier",
                "signInSessionsValidFromDateTime", "externalUserStateChangeDateTime", "assignedLicenses",
            ],
            softDelete: .directoryDeletedItems, restore: .undeleteOrCreate,
            notes: "passwordProfile.password is never returned: a recreated user gets a new password. "
                + "assignedLicenses is restored through assignLicense, against subscribedSku ids. "
                + "Synced users (onPremisesSyncEnabled) are owned by on-premises AD."),
        CatalogueEntry(
            name: "user.manager", odataType: "#microsoft.graph.directoryObject", kind: .relationship, shape: .singleton,
            parent: "user", listPath: "/users/{0}/manager?$select=id",
            permissions: ["User.Read.All", "Directory.Read.All"],
            references: [ObjectReference("id", to: ["user"])], restore: .relink,
            notes: "Captured from manager@delta; Graph answers 404 for a user without a manager."),
        CatalogueEntry(
            name: "user.authenticationMethods", odataType: "#microsoft.graph.authenticationMethod", parent: "user",
            listPath: "/users/{0}/authentication/methods", itemPath: "/users/{0}/authentication/methods/{id}",
            permissions: ["UserAuthenticationMethod.Read.All"],
            readOnly: ["id", "createdDateTime", "creationDateTime"], restore: .create,
            notes: "Metadata only. Phone, email and temporary access pass methods can be recreated; "
                + "FIDO2, Authenticator, software OATH, Windows Hello and platform credentials cannot."),
        CatalogueEntry(
            name: "group", odataType: "#microsoft.graph.group",
            listPath: "/groups", itemPath: "/groups/{id}",
            delta: .init(path: "/groups/delta", relationships: ["members@delta": "group.members"]),
            permissions: ["Group.Read.All", "Directory.Read.All"],
            readOnly: [
                "id", "deletedDateTime", "createdDateTime", "expirationDateTime", "renewedDateTime", "mail",
                "proxyAddresses", "onPremisesDomainName", "onPremisesLastSyncDateTime", "onPremisesNetBiosName",
                "onPremisesProvisioningErrors", "onPremisesSamAccountName", "onPremisesSecurityIdentifier",
                "onPremisesSyncEnabled", "securityIdentifier", "serviceProvisioningErrors", "creationOptions",
                "membershipRuleProcessingState",
            ],
            createOnly: ["isAssignableToRole", "resourceBehaviorOptions", "resourceProvisioningOptions", "visibility"],
            softDelete: .directoryDeletedItems, restore: .undeleteOrCreate,
            notes: "Only Microsoft 365 groups are soft-deleted in Entra; security groups are recreated. "
                + "Dynamic groups (membershipRule) get their members from the rule, not from relinking."),
        CatalogueEntry(
            name: "group.members", odataType: "#microsoft.graph.directoryObject", kind: .relationship, parent: "group",
            listPath: "/groups/{0}/members?$select=id",
            permissions: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"],
            references: [ObjectReference("id", to: principals + ["orgContact"])], restore: .relink,
            notes: "Captured from members@delta during delta rounds."),
        CatalogueEntry(
            name: "group.owners", odataType: "#microsoft.graph.directoryObject", kind: .relationship, parent: "group",
            listPath: "/groups/{0}/owners?$select=id",
            permissions: ["GroupMember.Read.All", "Group.Read.All", "Directory.Read.All"],
            references: [ObjectReference("id", to: ["user", "servicePrincipal"])], restore: .relink),
        CatalogueEntry(
            name: "group.settings", odataType: "#microsoft.graph.groupSetting", parent: "group",
            listPath: "/groups/{0}/settings", itemPath: "/groups/{0}/settings/{id}",
            permissions: ["GroupSettings.Read.All", "Directory.Read.All"],
            readOnly: ["id", "displayName"], createOnly: ["templateId"], restore: .create),
        CatalogueEntry(
            name: "orgContact", odataType: "#microsoft.graph.orgContact",
            listPath: "/contacts", itemPath: "/contacts/{id}", delta: .init(path: "/contacts/delta"),
            permissions: ["OrgContact.Read.All", "Directory.Read.All"],
            readOnly: ["id", "deletedDateTime", "onPremisesLastSyncDateTime", "onPremisesProvisioningErrors",
                       "onPremisesSyncEnabled", "proxyAddresses", "serviceProvisioningErrors"],
            restore: .manual(reason: "Graph cannot create or update organizational contacts: Exchange Online "
                + "(New-MailContact, Set-MailContact) or directory synchronization writes them"),
            notes: "Mail contacts, which can be group members. A restore plan names each missing or changed contact "
                + "as an operator action; once recreated, restoring the groups links them again."),
        CatalogueEntry(
            name: "device", odataType: "#microsoft.graph.device",
            listPath: "/devices", itemPath: "/devices/{id}", delta: .init(path: "/devices/delta"),
            permissions: ["Device.Read.All", "Directory.Read.All"],
            readOnly: [
                "id", "deletedDateTime", "approximateLastSignInDateTime", "complianceExpirationDateTime", "isCompliant",
                "isManaged", "onPremisesLastSyncDateTime", "onPremisesSecurityIdentifier", "onPremisesSyncEnabled",
                "registrationDateTime", "isManagementRestricted",
            ],
            createOnly: ["deviceId", "alternativeSecurityIds"],
            restore: .patchInPlace,
            notes: "A deleted device is not recreated from backup: it registers itself again. "
                + "Existing devices get accountEnabled and extensionAttributes back."),
        CatalogueEntry(
            name: "administrativeUnit", odataType: "#microsoft.graph.administrativeUnit",
            listPath: "/directory/administrativeUnits", itemPath: "/directory/administrativeUnits/{id}",
            delta: .init(path: "/administrativeUnits/delta", relationships: ["members@delta": "administrativeUnit.members"]),
            permissions: ["AdministrativeUnit.Read.All", "Directory.Read.All"],
            readOnly: ["id", "deletedDateTime", "membershipRuleProcessingState"],
            softDelete: .directoryDeletedItems, restore: .undeleteOrCreate),
        CatalogueEntry(
            name: "administrativeUnit.members", odataType: "#microsoft.graph.directoryObject", kind: .relationship,
            parent: "administrativeUnit", listPath: "/directory/administrativeUnits/{0}/members?$select=id",
            permissions: ["AdministrativeUnit.Read.All", "Directory.Read.All"],
            references: [ObjectReference("id", to: ["user", "group", "device"])], restore: .relink,
            notes: "Captured from members@delta during delta rounds."),
        CatalogueEntry(
            name: "administrativeUnit.scopedRoleMembers", odataType: "#microsoft.graph.scopedRoleMembership",
            parent: "administrativeUnit", listPath: "/directory/administrativeUnits/{0}/scopedRoleMembers",
            itemPath: "/directory/administrativeUnits/{0}/scopedRoleMembers/{id}",
            permissions: ["RoleManagement.Read.Directory", "Directory.Read.All"],
            references: [
                ObjectReference("roleId", to: ["directoryRole"]),
                ObjectReference("roleMemberInfo.id", to: ["user", "group", "servicePrincipal"]),
                ObjectReference("administrativeUnitId", to: ["administrativeUnit"]),
            ],
            restore: .relink),
    ]
}
