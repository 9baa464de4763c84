import Foundation

extension TenantSeeder {
    /// Organization, domains, licenses, singleton policies and group settings.
    mutating func seedTenantObjects() {
        let tenantId = directory.tenantId
        let created = Timestamp.format(tenantCreated)
        let office = NameData.offices[0]
        var assignedPlans: [JSONValue] = []
        for sku in WellKnown.skus.prefix(3) {
            for plan in sku.plans {
                assignedPlans.append(["assignedDateTime": .string(created), "capabilityStatus": "Enabled",
                                      "service": .string(plan.2), "servicePlanId": .string(plan.1)])
            }
        }
        let customDomain = !profile.isEmpty
        var verified: [JSONValue] = [[
            "capabilities": "Email, OfficeCommunicationsOnline",
            "isDefault": .bool(!customDomain),
            "isInitial": true,
            "name": .string(initialDomain),
            "type": "Managed",
        ]]
        if customDomain {
            verified.append([
                "capabilities": "Email, OfficeCommunicationsOnline",
                "isDefault": true,
                "isInitial": false,
                "name": .string(primaryDomain),
                "type": "Managed",
            ])
        }
        directory.insert(.organization, [
            "id": .string(tenantId),
            "deletedDateTime": .null,
            "assignedPlans": .array(assignedPlans),
            "businessPhones": ["+1 425 555 0100"],
            "city": .string(office.city),
            "country": .null,
            "countryLetterCode": .string(office.code),
            "createdDateTime": .string(created),
            "defaultUsageLocation": .null,
            "displayName": .string(directory.displayName),
            "marketingNotificationEmails": [],
            "onPremisesLastSyncDateTime": profile.isHybrid ? .string(timestamp(daysAgo: 0.01)) : .null,
            "onPremisesSyncEnabled": profile.isHybrid ? true : .null,
            "postalCode": .string(office.postal),
            "preferredLanguage": "en",
            "privacyProfile": .null,
            "provisionedPlans": [],
            "securityComplianceNotificationMails": [],
            "securityComplianceNotificationPhones": [],
            "state": .string(office.state),
            "street": .string(office.street),
            "technicalNotificationMails": .strings(["it@\(customDomain ? primaryDomain : initialDomain)"]),
            "tenantType": "AAD",
            "verifiedDomains": .array(verified),
        ])

        func domain(_ name: String, isDefault: Bool, isInitial: Bool, isVerified: Bool, federated: Bool = false) -> JSONObject {
            [
                "id": .string(name),
                "authenticationType": .string(federated ? "Federated" : "Managed"),
                "availabilityStatus": .null,
                "isAdminManaged": true,
                "isDefault": .bool(isDefault),
                "isInitial": .bool(isInitial),
                "isRoot": true,
                "isVerified": .bool(isVerified),
                "passwordNotificationWindowInDays": 14,
                "passwordValidityPeriodInDays": 2_147_483_647,
                "supportedServices": isVerified ? ["Email", "OfficeCommunicationsOnline"] : [],
                "state": .null,
            ]
        }
        directory.insert(.domain, domain(initialDomain, isDefault: !customDomain, isInitial: true, isVerified: true))
        if customDomain {
            directory.insert(.domain, domain(primaryDomain, isDefault: true, isInitial: false, isVerified: true))
            let unverified = "\(primaryDomain.split(separator: ".")[0]).net"
            directory.insert(.domain, domain(unverified, isDefault: false, isInitial: false, isVerified: false))
        }

        for sku in WellKnown.skus {
            let consumed = licensedUsersBySku[sku.id] ?? 0
            guard consumed > 0 || sku.part == "FLOW_FREE" || profile.isEmpty == false else { continue }
            let enabled = max(consumed + consumed / 10 + 5, 25)
            directory.insert(.subscribedSku, [
                "id": .string("\(tenantId)_\(sku.id)"),
                "accountId": .string(tenantId),
                "accountName": .string(primaryDomain.split(separator: ".").first.map(String.init) ?? "tenant"),
                "appliesTo": "User",
                "capabilityStatus": "Enabled",
                "consumedUnits": .int(consumed),
                "prepaidUnits": ["enabled": .int(sku.part == "FLOW_FREE" ? 10_000 : enabled), "suspended": 0,
                                 "warning": 0, "lockedOut": 0],
                "servicePlans": .array(sku.plans.map { plan in
                    ["servicePlanId": .string(plan.1), "servicePlanName": .string(plan.0),
                     "provisioningStatus": "Success", "appliesTo": "User"]
                }),
                "skuId": .string(sku.id),
                "skuPartNumber": .string(sku.part),
                "subscriptionIds": .strings([newId()]),
            ], key: "\(tenantId)_\(sku.id)")
        }

        seedAuthenticationMethodsPolicy()
        directory.insert(.authorizationPolicy, [
            "id": "authorizationPolicy",
            "allowInvitesFrom": "everyone",
            "allowedToSignUpEmailBasedSubscriptions": true,
            "allowedToUseSSPR": true,
            "allowEmailVerifiedUsersToJoinOrganization": false,
            "allowUserConsentForRiskyApps": false,
            "blockMsolPowerShell": false,
            "displayName": "Authorization Policy",
            "description": "Used to manage authorization related settings across the company.",
            "guestUserRoleId": "10dae51f-b6af-4016-8d66-8c2a99b929b3",
            "defaultUserRolePermissions": [
                "allowedToCreateApps": false,
                "allowedToCreateSecurityGroups": true,
                "allowedToCreateTenants": false,
                "allowedToReadBitlockerKeysForOwnedDevice": true,
                "allowedToReadOtherUsers": true,
                "permissionGrantPoliciesAssigned": ["ManagePermissionGrantsForSelf.microsoft-user-default-low"],
            ],
        ])
        let inboundDefault: JSONValue = [
            "usersAndGroups": ["accessType": "allowed", "targets": [["target": "AllUsers", "targetType": "user"]]],
            "applications": ["accessType": "allowed", "targets": [["target": "AllApplications", "targetType": "application"]]],
        ]
        let blockedDefault: JSONValue = [
            "usersAndGroups": ["accessType": "blocked", "targets": [["target": "AllUsers", "targetType": "user"]]],
            "applications": ["accessType": "blocked", "targets": [["target": "AllApplications", "targetType": "application"]]],
        ]
        directory.insert(.crossTenantAccessPolicy, [
            "id": "crossTenantAccessPolicy",
            "displayName": "CrossTenantAccessPolicy",
            "definition": [],
            "allowedCloudEndpoints": [],
        ])
        directory.insert(.crossTenantAccessPolicyConfigurationDefault, [
            "id": "default",
            "isServiceDefault": .bool(profile.users < 1_000),
            "inboundTrust": ["isMfaAccepted": false, "isCompliantDeviceAccepted": false,
                             "isHybridAzureADJoinedDeviceAccepted": false],
            "b2bCollaborationOutbound": inboundDefault,
            "b2bCollaborationInbound": inboundDefault,
            "b2bDirectConnectOutbound": blockedDefault,
            "b2bDirectConnectInbound": blockedDefault,
            "tenantRestrictions": blockedDefault,
            "automaticUserConsentSettings": ["inboundAllowed": false, "outboundAllowed": false],
            "invitationRedemptionIdentityProviderConfiguration": [
                "primaryIdentityProviderPrecedenceOrder": ["externalAzureActiveDirectory", "socialIdentityProviders"],
                "fallbackIdentityProvider": "defaultConfiguredIdp",
            ],
        ])
        if !profile.isEmpty {
            for _ in 0..<(profile.users >= 1_000 ? 3 : 1) {
                let partner = newId()
                directory.insert(.crossTenantAccessPolicyConfigurationPartner, [
                    "tenantId": .string(partner),
                    "isServiceProvider": .bool(random.chance(0.3)),
                    "isInMultiTenantOrganization": false,
                    "inboundTrust": ["isMfaAccepted": true, "isCompliantDeviceAccepted": .bool(random.chance(0.5)),
                                     "isHybridAzureADJoinedDeviceAccepted": false],
                    "b2bCollaborationOutbound": .null,
                    "b2bCollaborationInbound": .null,
                    "b2bDirectConnectOutbound": .null,
                    "b2bDirectConnectInbound": inboundDefault,
                    "tenantRestrictions": .null,
                    "automaticUserConsentSettings": ["inboundAllowed": true, "outboundAllowed": true],
                ], key: partner)
            }
        }

        directory.insert(.groupSettingTemplate, [
            "id": .string(WellKnown.groupUnifiedTemplateId),
            "deletedDateTime": .null,
            "description": "Setting templates define the different settings that can be used for the associated ObjectSettings. This template defines settings that can be used for Unified Groups.",
            "displayName": "Group.Unified",
            "values": [
                ["name": "EnableGroupCreation", "type": "System.Boolean", "defaultValue": "true", "description": "Flag indicating if group creation feature is on."],
                ["name": "GroupCreationAllowedGroupId", "type": "System.Guid", "defaultValue": "", "description": "Guid of the security group that is always allowed to create Unified Groups."],
                ["name": "AllowGuestsToAccessGroups", "type": "System.Boolean", "defaultValue": "true", "description": "Flag indicating if guests are allowed to access any Unified Group resources."],
                ["name": "AllowToAddGuests", "type": "System.Boolean", "defaultValue": "true", "description": "Flag indicating if guests are allowed in any Unified Group."],
            ],
        ])
        directory.insert(.groupSettingTemplate, [
            "id": .string(WellKnown.groupUnifiedGuestTemplateId),
            "deletedDateTime": .null,
            "description": "Settings for a specific Unified Group",
            "displayName": "Group.Unified.Guest",
            "values": [["name": "AllowToAddGuests", "type": "System.Boolean", "defaultValue": "true", "description": "Flag indicating if guests are allowed in a specific Unified Group."]],
        ])
        if !profile.isEmpty {
            directory.insert(.groupSetting, [
                "id": .string(newId()),
                "displayName": "Group.Unified",
                "templateId": .string(WellKnown.groupUnifiedTemplateId),
                "values": [
                    ["name": "EnableGroupCreation", "value": "false"],
                    ["name": "GroupCreationAllowedGroupId", "value": .string(securityGroupIds.first ?? "")],
                    ["name": "AllowGuestsToAccessGroups", "value": "true"],
                    ["name": "AllowToAddGuests", "value": "true"],
                ],
            ])
            directory.insert(.groupLifecyclePolicy, [
                "id": .string(newId()),
                "alternateNotificationEmails": .string("it@\(primaryDomain)"),
                "groupLifetimeInDays": 180,
                "managedGroupTypes": "All",
            ])
        }
    }

    mutating func seedAuthenticationMethodsPolicy() {
        let allUsers: JSONValue = ["targetType": "group", "id": "all_users", "isRegistrationRequired": false]
        directory.insert(.authenticationMethodsPolicy, [
            "id": "authenticationMethodsPolicy",
            "displayName": "Authentication Methods Policy",
            "description": "The tenant-wide policy that controls which authentication methods are allowed in the tenant, authentication method registration requirements, and self-service password reset settings",
            "lastModifiedDateTime": .string(Timestamp.formatPrecise(tenantCreated.addingTimeInterval(86_400 * 200))),
            "policyVersion": "1.5",
            "registrationEnforcement": [
                "authenticationMethodsRegistrationCampaign": [
                    "snoozeDurationInDays": 1,
                    "state": "default",
                    "excludeTargets": .array(breakGlassUserId.map { [["id": .string($0), "targetType": "user"]] } ?? []),
                    "includeTargets": [["id": "all_users", "targetType": "group", "targetedAuthenticationMethod": "microsoftAuthenticator"]],
                ],
            ],
            "authenticationMethodConfigurations": [
                [
                    "@odata.type": "#microsoft.graph.fido2AuthenticationMethodConfiguration",
                    "id": "Fido2",
                    "state": "enabled",
                    "isSelfServiceRegistrationAllowed": true,
                    "isAttestationEnforced": true,
                    "keyRestrictions": ["isEnforced": false, "enforcementType": "block", "aaGuids": []],
                    "includeTargets": [allUsers],
                ],
                [
                    "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethodConfiguration",
                    "id": "MicrosoftAuthenticator",
                    "state": "enabled",
                    "includeTargets": [[
                        "targetType": "group", "id": "all_users", "isRegistrationRequired": false,
                        "authenticationMode": "any", "outlookMobileAllowedState": "default",
                        "displayAppInformationRequiredState": "default", "numberMatchingRequiredState": "default",
                    ]],
                ],
                [
                    "@odata.type": "#microsoft.graph.smsAuthenticationMethodConfiguration",
                    "id": "Sms",
                    "state": "enabled",
                    "includeTargets": [["targetType": "group", "id": "all_users", "isRegistrationRequired": false, "isUsableForSignIn": true]],
                ],
                [
                    "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
                    "id": "TemporaryAccessPass",
                    "state": "disabled",
                    "defaultLifetimeInMinutes": 60,
                    "defaultLength": 8,
                    "minimumLifetimeInMinutes": 60,
                    "maximumLifetimeInMinutes": 480,
                    "isUsableOnce": false,
                    "includeTargets": [allUsers],
                ],
                [
                    "@odata.type": "#microsoft.graph.emailAuthenticationMethodConfiguration",
                    "id": "Email",
                    "state": "enabled",
                    "allowExternalIdToUseEmailOtp": "default",
                    "includeTargets": [],
                ],
                [
                    "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethodConfiguration",
                    "id": "SoftwareOath",
                    "state": "disabled",
                    "includeTargets": [allUsers],
                ],
            ],
        ])
    }

    /// Hybrid identity: directory synchronization settings and a Cloud Sync provisioning job with
    /// its schema (object mappings, attribute flows, scoping filters).
    mutating func seedSynchronization() {
        guard profile.isHybrid else { return }
        directory.insert(.onPremisesDirectorySynchronization, [
            "id": .string(directory.tenantId),
            "configuration": [
                "accidentalDeletionPrevention": ["synchronizationPreventionType": "enabledForCount", "alertThreshold": 500],
                "synchronizationInterval": "PT30M",
                "customerRequestedSynchronizationInterval": .null,
                "anchorAttribute": "mS-DS-ConsistencyGuid",
                "applicationId": "cb1056e2-e479-49de-ae31-7812af012ed8",
                "synchronizationClientVersion": "2.3.8.0",
            ],
            "features": [
                "blockCloudObjectTakeoverThroughHardMatchEnabled": true,
                "blockSoftMatchEnabled": false,
                "bypassDirSyncOverridesEnabled": false,
                "cloudPasswordPolicyForPasswordSyncedUsersEnabled": false,
                "concurrentCredentialUpdateEnabled": false,
                "concurrentOrgIdProvisioningEnabled": true,
                "deviceWritebackEnabled": false,
                "directoryExtensionsEnabled": true,
                "fopeConflictResolutionEnabled": false,
                "groupWriteBackEnabled": false,
                "passwordSyncEnabled": true,
                "passwordWritebackEnabled": true,
                "quarantineUponProxyAddressesConflictEnabled": true,
                "quarantineUponUpnConflictEnabled": true,
                "softMatchOnUpnEnabled": true,
                "synchronizeUpnForManagedUsersEnabled": true,
                "unifiedGroupWritebackEnabled": false,
                "userForcePasswordChangeOnLogonEnabled": false,
                "userWritebackEnabled": false,
            ],
        ])

        let spId = newId()
        let appId = "1a4721b3-e57f-4451-ae87-ef078703ec94"
        var sp = ObjectTemplates.servicePrincipal(id: spId, appId: appId, displayName: primaryDomain,
                                                  appOwnerOrganizationId: WellKnown.microsoftTenantId,
                                                  signInAudience: "AzureADMultipleOrgs")
        sp["tags"] = ["WindowsAzureActiveDirectoryIntegratedApp", "AADProvisioning"]
        sp["appDisplayName"] = "Microsoft Entra Cloud Sync"
        directory.insert(.servicePrincipal, sp)
        let jobId = "AD2AADProvisioning.\(directory.tenantId.replacingOccurrences(of: "-", with: "")).\(newId().replacingOccurrences(of: "-", with: ""))"
        directory.insert(.synchronizationJob, [
            "id": .string(jobId),
            "templateId": "AD2AADProvisioning",
            "schedule": ["expiration": .null, "interval": "PT2M", "state": "Active"],
            "status": [
                "code": "Active",
                "countSuccessiveCompleteFailures": 0,
                "escrowsPruned": false,
                "lastExecution": ["activityIdentifier": .string(newId()), "countEntitled": 0, "state": "Succeeded",
                                  "timeBegan": .string(timestamp(daysAgo: 0.002)), "timeEnded": .string(timestamp(daysAgo: 0.0015))],
                "quarantine": .null,
                "steadyStateFirstAchievedTime": .string(timestamp(daysAgo: 200)),
                "troubleshootingUrl": .null,
            ],
            "synchronizationJobSettings": [["name": "Domain", "value": .string("{\"DomainFQDN\":\"\(primaryDomain)\"}")]],
        ], parent: spId, key: jobId)

        func mapping(_ source: String, _ target: String, expression: String? = nil, matching: Int = 0) -> JSONValue {
            [
                "defaultValue": "",
                "exportMissingReferences": false,
                "flowBehavior": "FlowWhenChanged",
                "flowType": "Always",
                "matchingPriority": .int(matching),
                "targetAttributeName": .string(target),
                "source": [
                    "expression": .string(expression ?? "[\(source)]"),
                    "name": .string(source),
                    "type": .string(expression == nil ? "Attribute" : "Function"),
                    "parameters": [],
                ],
            ]
        }
        let scope: JSONValue = [
            "categoryFilterGroups": [],
            "groups": [[
                "clauses": [[
                    "operatorName": "IsMemberOf",
                    "sourceOperandName": "memberOf",
                    "targetOperand": ["values": .strings(["OU=Users,DC=\(primaryDomain.split(separator: ".")[0]),DC=com"])],
                ]],
                "name": "Users OU",
            ]],
            "inputFilterGroups": [],
        ]
        directory.insert(.synchronizationSchema, [
            "id": .string(jobId),
            "version": "Date:2024-05-01T10:00:00Z~###~Version:1.4",
            "directories": [
                ["id": "AD", "name": "Active Directory", "discoverabilities": "None",
                 "objects": [["name": "user", "attributes": [["name": "sAMAccountName", "type": "String"],
                                                              ["name": "mail", "type": "String"]]]]],
                ["id": "AAD", "name": "Microsoft Entra ID", "discoverabilities": "None",
                 "objects": [["name": "User", "attributes": [["name": "userPrincipalName", "type": "String"],
                                                              ["name": "mail", "type": "String"]]]]],
            ],
            "synchronizationRules": [[
                "id": "AD2AADProvisioning",
                "name": "AD2AADProvisioning",
                "sourceDirectoryName": "Active Directory",
                "targetDirectoryName": "Microsoft Entra ID",
                "editable": true,
                "priority": 1,
                "objectMappings": [
                    [
                        "enabled": true,
                        "flowTypes": "Add, Update, Delete",
                        "name": "Provision Active Directory Users",
                        "sourceObjectName": "user",
                        "targetObjectName": "User",
                        "scope": scope,
                        "attributeMappings": [
                            mapping("objectGUID", "sourceAnchor", matching: 1),
                            mapping("userPrincipalName", "userPrincipalName"),
                            mapping("mail", "mail"),
                            mapping("displayName", "displayName"),
                            mapping("sAMAccountName", "mailNickname",
                                    expression: "IIF(IsPresent([mailNickname]), [mailNickname], [sAMAccountName])"),
                        ],
                    ],
                    [
                        "enabled": true,
                        "flowTypes": "Add, Update, Delete",
                        "name": "Provision Active Directory Groups",
                        "sourceObjectName": "group",
                        "targetObjectName": "Group",
                        "scope": .null,
                        "attributeMappings": [
                            mapping("objectGUID", "sourceAnchor", matching: 1),
                            mapping("displayName", "displayName"),
                            mapping("member", "members"),
                        ],
                    ],
                ],
            ]],
        ], parent: "\(spId)/\(jobId)", key: jobId)
    }
}
