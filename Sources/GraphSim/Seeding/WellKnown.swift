/// Identifiers that are the same in every Entra tenant: Microsoft Graph's application id and
/// application permissions, built-in role templates, license SKUs.
public enum WellKnown {
    public static let microsoftGraphAppId = "00000003-0000-0000-c000-000000000000"
    public static let microsoftTenantId = "f8cdef31-a31e-4b4a-93e4-5f571e91255a"
    public static let graphResource = "https://graph.microsoft.com"

    /// Microsoft Graph application permissions (the `appRoles` of its service principal). Ids are
    /// Microsoft's; the few whose id the simulator's authors could not confirm carry a stable id
    /// derived from the name (see docs/graph-sim.md).
    public static let graphApplicationPermissions: [(value: String, id: String)] = [
        ("User.Read.All", "df021288-bdef-4463-88db-98f22de89214"),
        ("User.ReadWrite.All", "741f803b-c850-494e-b5df-cde7c675a1ca"),
        ("Group.Read.All", "5b567255-7703-4780-807c-7be8301ae99b"),
        ("Group.ReadWrite.All", "62a82d76-70ea-41e2-9197-370581804d09"),
        ("GroupMember.Read.All", "98830695-27a2-44f7-8c18-0c3ebc9698f6"),
        ("GroupMember.ReadWrite.All", "dbaae8cf-10b5-4b86-a4a1-f871c94c6695"),
        ("Directory.Read.All", "7ab1d382-f21e-4acd-a863-ba3e13f7da61"),
        ("Directory.ReadWrite.All", "19dbc75e-c2e2-444c-a770-ec69d8559fc7"),
        ("Application.Read.All", "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30"),
        ("Application.ReadWrite.All", "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9"),
        ("Application.ReadWrite.OwnedBy", "18a4783c-866b-4cc7-a460-3d5e5662c884"),
        ("AppRoleAssignment.ReadWrite.All", "06b708a9-e830-4db3-a914-8e69da51d44f"),
        ("DelegatedPermissionGrant.ReadWrite.All", "8e8e4742-1d95-4f68-9d56-6ee75648c72a"),
        ("DelegatedPermissionGrant.Read.All", derivedId("DelegatedPermissionGrant.Read.All")),
        ("Policy.Read.All", "246dd0d5-5bd0-4def-940b-0421030a5b68"),
        ("Policy.ReadWrite.ConditionalAccess", "01c0a623-fc9b-48e9-b794-0756f8e8f067"),
        ("Policy.ReadWrite.AuthenticationMethod", "29c18626-4985-4dcd-85c0-193eef327366"),
        ("Policy.Read.AuthenticationMethod", derivedId("Policy.Read.AuthenticationMethod")),
        ("Policy.ReadWrite.Authorization", "fb221be6-99f2-473f-bd32-01c6a0e9ca3b"),
        ("Policy.ReadWrite.CrossTenantAccess", "338163d7-f101-4c92-94ba-ca46fe52447c"),
        ("Policy.ReadWrite.ApplicationConfiguration", "be74164b-cff1-491c-8741-e671cb536e13"),
        ("RoleManagement.Read.Directory", "483bed4a-2ad3-4361-a73b-c83ccdbdc53c"),
        ("RoleEligibilitySchedule.Read.Directory", derivedId("RoleEligibilitySchedule.Read.Directory")),
        ("RoleEligibilitySchedule.ReadWrite.Directory", derivedId("RoleEligibilitySchedule.ReadWrite.Directory")),
        ("RoleAssignmentSchedule.Read.Directory", derivedId("RoleAssignmentSchedule.Read.Directory")),
        ("RoleAssignmentSchedule.ReadWrite.Directory", derivedId("RoleAssignmentSchedule.ReadWrite.Directory")),
        ("RoleManagementPolicy.Read.Directory", derivedId("RoleManagementPolicy.Read.Directory")),
        ("RoleManagementPolicy.ReadWrite.Directory", derivedId("RoleManagementPolicy.ReadWrite.Directory")),
        ("AuthenticationContext.Read.All", derivedId("AuthenticationContext.Read.All")),
        ("AuthenticationContext.ReadWrite.All", derivedId("AuthenticationContext.ReadWrite.All")),
        ("Policy.ReadWrite.SecurityDefaults", derivedId("Policy.ReadWrite.SecurityDefaults")),
        ("Policy.ReadWrite.ConsentRequest", derivedId("Policy.ReadWrite.ConsentRequest")),
        ("Policy.Read.PermissionGrant", derivedId("Policy.Read.PermissionGrant")),
        ("Policy.ReadWrite.PermissionGrant", derivedId("Policy.ReadWrite.PermissionGrant")),
        ("Domain-InternalFederation.ReadWrite.All", derivedId("Domain-InternalFederation.ReadWrite.All")),
        ("IdentityProvider.Read.All", derivedId("IdentityProvider.Read.All")),
        ("IdentityProvider.ReadWrite.All", derivedId("IdentityProvider.ReadWrite.All")),
        ("MultiTenantOrganization.Read.All", derivedId("MultiTenantOrganization.Read.All")),
        ("MultiTenantOrganization.ReadBasic.All", derivedId("MultiTenantOrganization.ReadBasic.All")),
        ("MultiTenantOrganization.ReadWrite.All", derivedId("MultiTenantOrganization.ReadWrite.All")),
        ("Policy.Read.ApplicationConfiguration", derivedId("Policy.Read.ApplicationConfiguration")),
        ("Agreement.Read.All", derivedId("Agreement.Read.All")),
        ("PrivilegedEligibilitySchedule.Read.AzureADGroup", derivedId("PrivilegedEligibilitySchedule.Read.AzureADGroup")),
        ("PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup", derivedId("PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup")),
        ("PrivilegedAssignmentSchedule.Read.AzureADGroup", derivedId("PrivilegedAssignmentSchedule.Read.AzureADGroup")),
        ("PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup", derivedId("PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup")),
        ("PrivilegedAccess.Read.AzureADGroup", derivedId("PrivilegedAccess.Read.AzureADGroup")),
        ("PrivilegedAccess.ReadWrite.AzureADGroup", derivedId("PrivilegedAccess.ReadWrite.AzureADGroup")),
        ("CustomSecAttributeDefinition.Read.All", derivedId("CustomSecAttributeDefinition.Read.All")),
        ("CustomSecAttributeDefinition.ReadWrite.All", derivedId("CustomSecAttributeDefinition.ReadWrite.All")),
        ("CustomSecAttributeAssignment.Read.All", derivedId("CustomSecAttributeAssignment.Read.All")),
        ("CustomSecAttributeAssignment.ReadWrite.All", derivedId("CustomSecAttributeAssignment.ReadWrite.All")),
        ("OrganizationalBranding.Read.All", derivedId("OrganizationalBranding.Read.All")),
        ("OrganizationalBranding.ReadWrite.All", derivedId("OrganizationalBranding.ReadWrite.All")),
        ("OrgContact.Read.All", derivedId("OrgContact.Read.All")),
        ("Agreement.ReadWrite.All", derivedId("Agreement.ReadWrite.All")),
        ("Policy.ReadWrite.AuthenticationFlows", derivedId("Policy.ReadWrite.AuthenticationFlows")),
        ("Policy.Read.DeviceConfiguration", derivedId("Policy.Read.DeviceConfiguration")),
        ("Policy.ReadWrite.DeviceConfiguration", derivedId("Policy.ReadWrite.DeviceConfiguration")),
        ("RoleManagement.Read.All", "c7fbd983-d9aa-4fa7-84b8-17382c103bc4"),
        ("RoleManagement.ReadWrite.Directory", "9e3f62cf-ca93-4989-b6ce-bf83c28f9fe8"),
        ("AdministrativeUnit.Read.All", "134fd756-38ce-4afd-ba33-e9623dbe66c2"),
        ("AdministrativeUnit.ReadWrite.All", "5eb59dd3-1da2-4329-8733-9dabdc435916"),
        ("Device.Read.All", "7438b122-aefc-4978-80ed-43db9fcc7715"),
        ("Device.ReadWrite.All", "1138cb37-bd11-4084-a2b7-9f71582aeddb"),
        ("Organization.Read.All", "498476ce-e0fe-48b0-b801-37ba7e2685c6"),
        ("Organization.ReadWrite.All", "292d869f-3427-49a8-9dab-8c70152b74e9"),
        ("Domain.Read.All", "dbb9058a-0e50-45d7-ae91-66909b5d4664"),
        ("Domain.ReadWrite.All", "7e05723c-0bb0-42da-be95-ae9f08a6e53c"),
        ("UserAuthenticationMethod.Read.All", "38d9df27-64da-44fd-b7c5-a6fbac20248f"),
        ("UserAuthenticationMethod.ReadWrite.All", "50483e42-d915-4231-9639-7fdb7fd190e5"),
        ("AuditLog.Read.All", "b0afded3-3588-46d8-8b3d-9842eff778da"),
        ("OnPremDirectorySynchronization.Read.All", "bb70e231-92dc-4729-aff5-697b3f04be95"),
        ("OnPremDirectorySynchronization.ReadWrite.All", "c22a92cc-79bf-4bb1-8b6c-e0a05d3d80ce"),
        ("Synchronization.Read.All", "5ba43d2f-fa88-4db2-bd1c-a67c5f0fb1ce"),
        ("Synchronization.ReadWrite.All", "9b50c33d-700f-43b1-b2eb-87e89b703581"),
        ("GroupSettings.Read.All", derivedId("GroupSettings.Read.All")),
        ("GroupSettings.ReadWrite.All", derivedId("GroupSettings.ReadWrite.All")),
        ("LicenseAssignment.Read.All", derivedId("LicenseAssignment.Read.All")),
    ]

    static let graphPermissionIdByValue: [String: String] = Dictionary(
        uniqueKeysWithValues: graphApplicationPermissions.map { ($0.value, $0.id) }
    )
    static let graphPermissionValueById: [String: String] = Dictionary(
        uniqueKeysWithValues: graphApplicationPermissions.map { ($0.id, $0.value) }
    )

    public static func graphPermissionId(_ value: String) -> String? { graphPermissionIdByValue[value] }
    public static func graphPermissionValue(id: String) -> String? { graphPermissionValueById[id.lowercased()] }

    /// Delegated scopes of Microsoft Graph used by seeded applications.
    static let graphDelegatedScopes: [(value: String, id: String)] = [
        ("User.Read", "e1fe6dd8-ba31-4d61-89e7-88639da4683d"),
        ("openid", "37f7f235-527c-4136-accd-4a02d197296e"),
        ("profile", "14dad69e-099b-42c9-810b-d002981feec1"),
        ("email", "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0"),
        ("offline_access", "7427e0e9-2fba-42fe-b0c0-848c9e6a8182"),
        ("User.ReadBasic.All", "b340eb25-3456-403f-be2f-af7a0d370277"),
        ("Group.Read.All", "5f8c59db-677d-491f-a6b8-5f174b11ec1d"),
        ("Mail.Read", "570282fd-fa5c-430d-a7fd-fc8dc98a9dca"),
        ("Calendars.Read", "465a38f9-76ea-45b9-9f34-9e8b0d4b0b42"),
        ("Files.Read.All", "df85f4d6-205c-4ac5-a5ea-6bf408dba283"),
        ("Sites.Read.All", "205e70e5-aba6-4c52-a976-6d2d46c48043"),
    ]

    /// A stable GUID-shaped id for `name` (FNV-1a based; not Microsoft's).
    static func derivedId(_ name: String) -> String {
        var random = DeterministicRandom(seed: 0x6772_6170_6873_696D, salt: name)
        return random.uuid()
    }

    /// Built-in directory role templates: (displayName, templateId, description).
    static let roleTemplates: [(name: String, id: String, description: String)] = [
        ("Global Administrator", "62e90394-69f5-4237-9190-012177145e10",
         "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities."),
        ("Global Reader", "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
         "Can read everything that a Global Administrator can, but not update anything."),
        ("User Administrator", "fe930be7-5e62-47db-91af-98c3a49a38b1",
         "Can manage all aspects of users and groups, including resetting passwords for limited admins."),
        ("Application Administrator", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
         "Can create and manage all aspects of app registrations and enterprise apps."),
        ("Cloud Application Administrator", "158c047a-c907-4556-b7ef-446551a6b5f7",
         "Can create and manage all aspects of app registrations and enterprise apps except App Proxy."),
        ("Conditional Access Administrator", "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9",
         "Can manage Conditional Access capabilities."),
        ("Exchange Administrator", "29232cdf-9323-42fd-ade2-1d097af3e4de",
         "Can manage all aspects of the Exchange product."),
        ("SharePoint Administrator", "f28a1f50-f6e7-4571-818b-6a12f2af6b6c",
         "Can manage all aspects of the SharePoint service."),
        ("Teams Administrator", "69091246-20e8-4a56-aa4d-066075b2a7a8",
         "Can manage the Microsoft Teams service."),
        ("Helpdesk Administrator", "729827e3-9c14-49f7-bb1b-9608f156bbb8",
         "Can reset passwords for non-administrators and Helpdesk Administrators."),
        ("Password Administrator", "966707d0-3269-4727-9be2-8c3a10f19b9d",
         "Can reset passwords for non-administrators and Password Administrators."),
        ("Privileged Role Administrator", "e8611ab8-c189-46e8-94e1-60213ab1f814",
         "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management."),
        ("Privileged Authentication Administrator", "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
         "Can access to view, set and reset authentication method information for any user (admin or non-admin)."),
        ("Authentication Administrator", "c4e39bd9-1100-46d3-8c65-fb160da0071f",
         "Can access to view, set and reset authentication method information for any non-admin user."),
        ("Security Administrator", "194ae4cb-b126-40b2-bd5b-6091b380977d",
         "Can read security information and reports, and manage configuration in Microsoft Entra ID and Office 365."),
        ("Security Reader", "5d6b6bb7-de71-4623-b4af-96380a352509",
         "Can read security information and reports in Microsoft Entra ID and Office 365."),
        ("Billing Administrator", "b0f54661-2d74-4c50-afa3-1ec803f12efe",
         "Can perform common billing related tasks like updating payment information."),
        ("Groups Administrator", "fdd7a751-b60b-444a-984c-02652fe8fa1c",
         "Members of this role can create/manage groups, create/manage groups settings like naming and expiration policies, and view groups activity and audit reports."),
        ("Intune Administrator", "3a2c62db-5318-420d-8d74-23affee5d9d5",
         "Can manage all aspects of the Intune product."),
        ("Directory Readers", "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
         "Can read basic directory information. Commonly used to grant directory read access to applications and guests."),
        ("Reports Reader", "4a5d8f65-41da-4de4-8968-e035b65339cf",
         "Can read sign-in and audit reports."),
        ("License Administrator", "4d6ac14f-3453-41d0-bef9-a3e0c569773a",
         "Can manage product licenses on users and groups."),
        ("Hybrid Identity Administrator", "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2",
         "Can manage Active Directory to Microsoft Entra cloud provisioning, Microsoft Entra Connect, and federation settings."),
        ("Compliance Administrator", "17315797-102d-40b4-93e0-432062caca18",
         "Can read and manage compliance configuration and reports in Microsoft Entra ID and Microsoft 365."),
        ("Directory Synchronization Accounts", "d29b2b05-8046-44ba-8758-1e26182fcf32",
         "Only used by Microsoft Entra Connect service."),
        ("Guest Inviter", "95e79109-95c0-4d8e-aee3-d01accf2d47b",
         "Can invite guest users independent of the 'members can invite guests' setting."),
        ("Service Support Administrator", "f023fd81-a637-4b56-95fd-791ac0226033",
         "Can read service health information and manage support tickets."),
        ("Directory Writers", "9360feb5-f418-4baa-8175-e2a00bac4301",
         "Can read and write basic directory information. For granting access to applications, not intended for users."),
    ]

    static let globalAdministratorTemplate = "62e90394-69f5-4237-9190-012177145e10"

    /// License SKUs: (skuPartNumber, skuId, service plans as (name, id, service)).
    static let skus: [(part: String, id: String, plans: [(String, String, String)])] = [
        ("SPE_E5", "06ebc4ee-1bb5-47dd-8120-11324bc54e06", [
            ("EXCHANGE_S_ENTERPRISE", "efb87545-963c-4e0d-99df-69c6916d9eb0", "exchange"),
            ("SHAREPOINTENTERPRISE", "5dbe027f-2339-4123-9542-606e4d348a72", "SharePoint"),
            ("TEAMS1", "57ff2da0-773e-42df-b2af-ffb7a2317929", "TeamspaceAPI"),
            ("AAD_PREMIUM", "41781fb2-bc02-4b7c-bd55-b576c07bb09d", "AADPremiumService"),
            ("AAD_PREMIUM_P2", "eec0eb4f-6444-4f95-aba0-50c24d67f998", "AADPremiumService"),
            ("INTUNE_A", "c1ec4a95-1f05-45b3-a911-aa3fa01094f5", "SCO"),
            ("MFA_PREMIUM", "8a256a2b-b617-496d-b51b-e76466e88db0", "MultiFactorService"),
        ]),
        ("ENTERPRISEPACK", "6fd2c87f-b296-42f0-b197-1e91e994b900", [
            ("EXCHANGE_S_ENTERPRISE", "efb87545-963c-4e0d-99df-69c6916d9eb0", "exchange"),
            ("SHAREPOINTENTERPRISE", "5dbe027f-2339-4123-9542-606e4d348a72", "SharePoint"),
            ("TEAMS1", "57ff2da0-773e-42df-b2af-ffb7a2317929", "TeamspaceAPI"),
            ("OFFICESUBSCRIPTION", "43de0ff5-c92c-492b-9116-175376d08c38", "MicrosoftOffice"),
        ]),
        ("EMS", "efccb6f7-5641-4e0e-bd10-b4976e1bf68e", [
            ("AAD_PREMIUM", "41781fb2-bc02-4b7c-bd55-b576c07bb09d", "AADPremiumService"),
            ("INTUNE_A", "c1ec4a95-1f05-45b3-a911-aa3fa01094f5", "SCO"),
            ("MFA_PREMIUM", "8a256a2b-b617-496d-b51b-e76466e88db0", "MultiFactorService"),
        ]),
        ("POWER_BI_STANDARD", "a403ebcc-fae0-4ca2-8c8c-7a907fd6c235", [
            ("BI_AZURE_P0", "2049e525-b859-401b-b2a0-e0a31c4b1fe4", "ProcessSimple"),
        ]),
        ("FLOW_FREE", "f30db892-07e9-47e9-837c-80727f46fd3d", [
            ("FLOW_P2_VIRAL", "50e68c76-46c6-4674-81f9-75456511b170", "ProcessSimple"),
        ]),
    ]

    /// Fixed ids of per-user authentication methods.
    static let passwordMethodId = "28c10230-6103-485e-b985-444c60001490"
    static let mobilePhoneMethodId = "3179e48a-750b-4051-897c-87b9720928f7"
    static let alternateMobilePhoneMethodId = "b6332ec1-7057-4abe-9331-3d72feddfe41"
    static let officePhoneMethodId = "e37fc753-ff3b-4958-9484-eaa9425c82bc"
    static let emailMethodId = "3ddfcfc8-9383-446f-83cc-3ab9be4be18f"

    static let groupUnifiedTemplateId = "62375ab9-6b52-47ed-826b-58e47e0e304b"
    static let groupUnifiedGuestTemplateId = "08d542b9-071f-4e16-94b0-74abb372e3d9"
}
