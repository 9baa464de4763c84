import Foundation

extension TenantSeeder {
    /// Every tenant has the three singletons; seeded tenants also restrict app credentials, classify
    /// Microsoft Graph's sign-in permissions as low risk, time out idle portal sessions and, when
    /// hybrid, accelerate a gallery app's sign-in to the federated domain.
    mutating func seedApplicationManagementPolicies() {
        let seeded = !profile.isEmpty
        directory.insert(.tenantAppManagementPolicy, [
            "@odata.id": .string("https://graph.microsoft.com/v2/\(directory.tenantId)/defaultAppManagementPolicy/\(TenantDirectory.tenantAppManagementPolicyId)"),
            "id": .string(TenantDirectory.tenantAppManagementPolicyId),
            "displayName": "Default app management tenant policy",
            "description": "Default tenant policy that enforces app management restrictions on applications and service principals. To apply policy to targeted resources, create a new policy under appManagementPolicies collection.",
            "isEnabled": .bool(seeded),
            "applicationRestrictions": [
                "passwordCredentials": seeded ? [[
                    "restrictionType": "passwordLifetime", "maxLifetime": "P365D",
                    "restrictForAppsCreatedAfterDateTime": .string(timestamp(daysAgo: 200)),
                ]] : [],
                "keyCredentials": [],
            ],
            "servicePrincipalRestrictions": ["passwordCredentials": [], "keyCredentials": []],
        ], key: TenantDirectory.tenantAppManagementPolicyId)
        directory.insert(.authenticationFlowsPolicy, [
            "id": "authenticationFlowsPolicy", "displayName": "Authentication flows policy",
            "description": "Authentication flows policy allows modification of settings related to authentication flows in AAD tenant, such as self-service sign up configuration.",
            "selfServiceSignUp": ["isEnabled": .bool(!seeded)],
        ], key: "authenticationFlowsPolicy")
        var localAdmins: JSONValue = ["@odata.type": "#microsoft.graph.noDeviceRegistrationMembership"]
        if let admin = adminUserId {
            localAdmins = ["@odata.type": "#microsoft.graph.enumeratedDeviceRegistrationMembership",
                           "users": .array([.string(admin)]), "groups": []]
        }
        var allowedToJoin: JSONValue = ["@odata.type": "#microsoft.graph.allDeviceRegistrationMembership"]
        if let group = allUsersGroupId, profile.isHybrid {
            allowedToJoin = ["@odata.type": "#microsoft.graph.enumeratedDeviceRegistrationMembership",
                             "users": [], "groups": .array([.string(group)])]
        }
        directory.insert(.deviceRegistrationPolicy, [
            "id": "deviceRegistrationPolicy", "displayName": "Device Registration Policy",
            "description": "Tenant-wide policy that manages intial provisioning controls using quota restrictions, additional authentication and authorization checks",
            "userDeviceQuota": seeded ? 20 : 50, "multiFactorAuthConfiguration": seeded ? "required" : "notRequired",
            "azureADRegistration": ["isAdminConfigurable": false,
                                    "allowedToRegister": ["@odata.type": "#microsoft.graph.allDeviceRegistrationMembership"]],
            "azureADJoin": ["isAdminConfigurable": true, "allowedToJoin": allowedToJoin,
                            "localAdmins": ["enableGlobalAdmins": true, "registeringUsers": localAdmins]],
            "localAdminPassword": ["isEnabled": .bool(seeded)],
        ], key: "deviceRegistrationPolicy")
        guard seeded else { return }

        let custom = newId()
        directory.insert(.appManagementPolicy, [
            "id": .string(custom), "displayName": "No client secrets on line-of-business apps",
            "description": "Line-of-business apps authenticate with certificates; client secrets are blocked and certificates last at most a year.",
            "isEnabled": true,
            "restrictions": [
                "passwordCredentials": [
                    ["restrictionType": "passwordAddition", "maxLifetime": .null,
                     "restrictForAppsCreatedAfterDateTime": .string(timestamp(daysAgo: 120))],
                ],
                "keyCredentials": [
                    ["restrictionType": "asymmetricKeyLifetime", "maxLifetime": "P365D",
                     "restrictForAppsCreatedAfterDateTime": .string(timestamp(daysAgo: 120))],
                ],
            ],
        ])
        // The first quarter of the tenant's own applications (at least one) are under the custom policy.
        let applications = directory.collection(.application).elements.map(\.id)
        for id in applications.prefix(max(1, applications.count / 4)) { directory.policyAssignments.add(id, custom) }

        // Microsoft Graph's sign-in permissions are the "low risk" ones user consent may grant.
        if let graph = directory.entity(.servicePrincipal, graphServicePrincipalId) {
            for scope in WellKnown.graphDelegatedScopes.prefix(5) {
                directory.insert(.delegatedPermissionClassification, [
                    "id": .string(directory.classificationId()), "classification": "low",
                    "permissionId": .string(scope.id), "permissionName": .string(scope.value),
                ], parent: graph.id)
            }
        }

        directory.insert(.activityBasedTimeoutPolicy, [
            "id": .string(newId()), "deletedDateTime": .null,
            "definition": .strings(["{\"ActivityBasedTimeoutPolicy\":{\"Version\":1,\"ApplicationPolicies\":[{\"ApplicationId\":\"default\",\"WebSessionIdleTimeout\":\"01:00:00\"},{\"ApplicationId\":\"c44b4083-3bb0-49c1-b47d-974e53cbdf3c\",\"WebSessionIdleTimeout\":\"00:15:00\"}]}}"]),
            "description": .null, "displayName": "Idle session timeout", "isOrganizationDefault": true,
        ])
        guard profile.isHybrid else { return }
        let discovery = newId()
        directory.insert(.homeRealmDiscoveryPolicy, [
            "id": .string(discovery), "deletedDateTime": .null,
            "definition": .strings(["{\"HomeRealmDiscoveryPolicy\":{\"AccelerateToFederatedDomain\":true,\"PreferredDomain\":\"\(primaryDomain)\",\"AllowCloudPasswordValidation\":false}}"]),
            "description": .null, "displayName": "Accelerate to AD FS", "isOrganizationDefault": false,
        ])
        if let gallery = gallerySpIds.first { directory.policyAssignments.add(gallery, discovery) }
    }

    /// Seeded tenants have terms of use for everyone (accepted again every 90 days) and, when
    /// they invite guests, one for guests that must be opened before it is accepted.
    mutating func seedTermsOfUse() {
        guard !profile.isEmpty else { return }
        directory.insert(.agreement, [
            "id": .string(newId()), "displayName": "All users terms of use", "isPerDeviceAcceptanceRequired": false,
            "isViewingBeforeAcceptanceRequired": false, "termsExpiration": .null, "userReacceptRequiredFrequency": "P90D",
        ])
        guard !guestUserIds.isEmpty else { return }
        directory.insert(.agreement, [
            "id": .string(newId()), "displayName": .string("\(directory.displayName) terms of use for guest users"),
            "isPerDeviceAcceptanceRequired": false, "isViewingBeforeAcceptanceRequired": true,
            "termsExpiration": ["startDateTime": .string(timestamp(daysAgo: 30)), "frequency": "P365D"],
            "userReacceptRequiredFrequency": .null,
        ])
    }
}
