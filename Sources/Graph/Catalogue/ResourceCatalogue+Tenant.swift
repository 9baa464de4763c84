extension ResourceCatalogue {
    static let tenant: [CatalogueEntry] = [
        CatalogueEntry(
            name: "organization", odataType: "#microsoft.graph.organization",
            listPath: "/organization", itemPath: "/organization/{id}",
            permissions: ["Organization.Read.All", "Directory.Read.All"],
            readOnly: [
                "id", "deletedDateTime", "assignedPlans", "createdDateTime", "provisionedPlans", "verifiedDomains",
                "tenantType", "onPremisesLastSyncDateTime", "displayName", "countryLetterCode",
            ],
            restore: .patchInPlace,
            notes: "Only contact and notification properties are writable. Company branding is its child "
                + "organization.brandingLocalizations."),
        CatalogueEntry(
            name: "organization.brandingLocalizations", odataType: "#microsoft.graph.organizationalBrandingLocalization",
            parent: "organization",
            listPath: "/organization/{0}/branding/localizations", itemPath: "/organization/{0}/branding/localizations/{id}",
            permissions: ["OrganizationalBranding.Read.All", "Organization.Read.All", "OrganizationalBranding.ReadWrite.All"],
            readOnly: ["@odata.id", "id", "backgroundImageRelativeUrl", "bannerLogoRelativeUrl", "cdnList", "customCSSRelativeUrl",
                       "faviconRelativeUrl", "headerLogoRelativeUrl", "squareLogoDarkRelativeUrl", "squareLogoRelativeUrl"],
            restore: .create,
            notes: "Company branding: the default (id 0) and each locale's sign-in texts, colours, links and layout. "
                + "Images are Stream properties read one by one (bannerLogo, backgroundImage, …) and are not backed up "
                + "yet: the relative URLs show which were set."),
        CatalogueEntry(
            name: "domain", odataType: "#microsoft.graph.domain",
            listPath: "/domains", itemPath: "/domains/{id}",
            permissions: ["Domain.Read.All", "Directory.Read.All"],
            readOnly: ["id", "availabilityStatus", "isAdminManaged", "isInitial", "isRoot", "isVerified", "state"],
            restore: .manual(reason: "adding a domain requires DNS verification by the domain's owner"),
            notes: "The id is the domain name."),
        CatalogueEntry(
            name: "subscribedSku", odataType: "#microsoft.graph.subscribedSku",
            listPath: "/subscribedSkus", itemPath: "/subscribedSkus/{id}",
            permissions: ["LicenseAssignment.Read.All", "Organization.Read.All", "Directory.Read.All"],
            readOnly: [
                "id", "accountId", "accountName", "appliesTo", "capabilityStatus", "consumedUnits", "prepaidUnits",
                "servicePlans", "skuId", "skuPartNumber", "subscriptionIds",
            ],
            restore: .manual(reason: "subscriptions are purchased, not created through Graph"),
            notes: "Kept so users' assignedLicenses can be read and restored against the tenant's SKUs."),
        CatalogueEntry(
            name: "groupLifecyclePolicy", odataType: "#microsoft.graph.groupLifecyclePolicy",
            listPath: "/groupLifecyclePolicies", itemPath: "/groupLifecyclePolicies/{id}",
            permissions: ["Directory.Read.All"], restore: .create),
        CatalogueEntry(
            name: "groupSetting", odataType: "#microsoft.graph.groupSetting",
            listPath: "/groupSettings", itemPath: "/groupSettings/{id}",
            permissions: ["GroupSettings.Read.All", "Directory.Read.All"],
            readOnly: ["id", "displayName"], createOnly: ["templateId"], restore: .create,
            notes: "Tenant-wide settings such as Group.Unified; at most one per template."),
        CatalogueEntry(
            name: "onPremisesSynchronization", odataType: "#microsoft.graph.onPremisesDirectorySynchronization",
            listPath: "/directory/onPremisesSynchronization", itemPath: "/directory/onPremisesSynchronization/{id}",
            permissions: ["OnPremDirectorySynchronization.Read.All"], restore: .patchInPlace,
            notes: "Hybrid identity: directory synchronization configuration and features."),
        CatalogueEntry(
            name: "servicePrincipal.synchronizationJobs", odataType: "#microsoft.graph.synchronizationJob",
            parent: "servicePrincipal", listPath: "/servicePrincipals/{0}/synchronization/jobs",
            itemPath: "/servicePrincipals/{0}/synchronization/jobs/{id}",
            permissions: ["Synchronization.Read.All"],
            readOnly: ["id", "status", "synchronizationJobSettings"], createOnly: ["templateId"], restore: .create,
            notes: "Provisioning and Cloud Sync jobs; a recreated job needs its secrets (saveCredentials) again."),
        CatalogueEntry(
            name: "servicePrincipal.synchronizationJobs.schema", odataType: "#microsoft.graph.synchronizationSchema",
            shape: .singleton, parent: "servicePrincipal.synchronizationJobs",
            listPath: "/servicePrincipals/{0}/synchronization/jobs/{1}/schema",
            permissions: ["Synchronization.Read.All"], restore: .patchInPlace,
            notes: "Object mappings, attribute flows and scoping filters (synchronizationRules)."),
    ]
}
