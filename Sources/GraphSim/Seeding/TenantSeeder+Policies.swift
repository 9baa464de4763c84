import Foundation

extension TenantSeeder {
    mutating func seedNamedLocations() {
        guard !profile.isEmpty else { return }
        let headquarters = newId()
        directory.insert(.namedLocation, [
            "@odata.type": "#microsoft.graph.ipNamedLocation",
            "id": .string(headquarters),
            "displayName": "Corporate headquarters",
            "modifiedDateTime": .string(Timestamp.formatPrecise(tenantCreated.addingTimeInterval(86_400 * 30))),
            "createdDateTime": .string(Timestamp.formatPrecise(tenantCreated.addingTimeInterval(86_400 * 30))),
            "isTrusted": true,
            "ipRanges": [
                ["@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": .string("203.0.113.0/24")],
                ["@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": .string("198.51.100.\(random.below(200))/32")],
            ],
        ])
        trustedLocationIds.append(headquarters)
        let branches = newId()
        directory.insert(.namedLocation, [
            "@odata.type": "#microsoft.graph.ipNamedLocation",
            "id": .string(branches),
            "displayName": "Branch offices",
            "modifiedDateTime": .string(Timestamp.formatPrecise(tenantCreated.addingTimeInterval(86_400 * 90))),
            "createdDateTime": .string(Timestamp.formatPrecise(tenantCreated.addingTimeInterval(86_400 * 60))),
            "isTrusted": false,
            "ipRanges": [
                ["@odata.type": "#microsoft.graph.iPv4CidrRange", "cidrAddress": "192.0.2.0/25"],
                ["@odata.type": "#microsoft.graph.iPv6CidrRange", "cidrAddress": "2001:db8:85a3::/48"],
            ],
        ])
        let blocked = newId()
        directory.insert(.namedLocation, [
            "@odata.type": "#microsoft.graph.countryNamedLocation",
            "id": .string(blocked),
            "displayName": "Blocked countries",
            "modifiedDateTime": .string(Timestamp.formatPrecise(tenantCreated.addingTimeInterval(86_400 * 120))),
            "createdDateTime": .string(Timestamp.formatPrecise(tenantCreated.addingTimeInterval(86_400 * 120))),
            "countriesAndRegions": ["KP", "IR", "SY", "CU"],
            "includeUnknownCountriesAndRegions": true,
            "countryLookupMethod": "clientIpAddress",
        ])
        blockedCountryLocationId = blocked
        let vpn = newId()
        directory.insert(.namedLocation, [
            "@odata.type": "#microsoft.graph.ipNamedLocation",
            "id": .string(vpn),
            "displayName": "Trusted VPN egress (IPv6)",
            "modifiedDateTime": .string(Timestamp.formatPrecise(tenantCreated.addingTimeInterval(86_400 * 200))),
            "createdDateTime": .string(Timestamp.formatPrecise(tenantCreated.addingTimeInterval(86_400 * 200))),
            "isTrusted": true,
            "ipRanges": [
                ["@odata.type": "#microsoft.graph.iPv6CidrRange", "cidrAddress": "2001:db8:1234::/48"],
            ],
        ])
        trustedLocationIds.append(vpn)
    }

    /// A conditional access policy in the documented shape.
    mutating func makePolicy(
        _ displayName: String,
        state: String,
        users: JSONObject,
        applications: JSONObject? = nil,
        locations: JSONObject? = nil,
        clientAppTypes: [String] = ["all"],
        signInRiskLevels: [String] = [],
        platforms: JSONValue = .null,
        grant: JSONValue,
        session: JSONValue = .null
    ) -> JSONObject {
        let created = tenantCreated.addingTimeInterval(86_400 * Double(random.int(in: 30...300)))
        let modified = created.addingTimeInterval(86_400 * Double(random.int(in: 0...200)))
        return [
            "id": .string(newId()),
            "templateId": .null,
            "displayName": .string(displayName),
            "description": .null,
            "createdDateTime": .string(Timestamp.formatPrecise(created)),
            "modifiedDateTime": .string(Timestamp.formatPrecise(min(modified, now))),
            "deletedDateTime": .null,
            "state": .string(state),
            "conditions": [
                "userRiskLevels": [],
                "signInRiskLevels": .strings(signInRiskLevels),
                "clientAppTypes": .strings(clientAppTypes),
                "servicePrincipalRiskLevels": [],
                "platforms": platforms,
                "locations": locations.map(JSONValue.object) ?? .null,
                "devices": .null,
                "clientApplications": .null,
                "applications": .object(applications ?? [
                    "includeApplications": ["All"],
                    "excludeApplications": [],
                    "includeUserActions": [],
                    "includeAuthenticationContextClassReferences": [],
                    "applicationFilter": .null,
                ]),
                "users": .object(users),
            ],
            "grantControls": grant,
            "sessionControls": session,
        ]
    }

    func usersCondition(
        include: [String] = [],
        exclude: [String] = [],
        includeGroups: [String] = [],
        excludeGroups: [String] = [],
        includeRoles: [String] = [],
        excludeRoles: [String] = []
    ) -> JSONObject {
        [
            "includeUsers": .strings(include),
            "excludeUsers": .strings(exclude),
            "includeGroups": .strings(includeGroups),
            "excludeGroups": .strings(excludeGroups),
            "includeRoles": .strings(includeRoles),
            "excludeRoles": .strings(excludeRoles),
            "includeGuestsOrExternalUsers": .null,
            "excludeGuestsOrExternalUsers": .null,
        ]
    }

    func grant(_ controls: [String], operator op: String = "OR") -> JSONValue {
        [
            "operator": .string(op),
            "builtInControls": .strings(controls),
            "customAuthenticationFactors": [],
            "termsOfUse": [],
            "authenticationStrength": .null,
        ]
    }

    /// Policies that reference real users, groups, roles, applications and named locations.
    mutating func seedConditionalAccessPolicies() {
        guard !profile.isEmpty else { return }
        let breakGlass = breakGlassUserId.map { [$0] } ?? []
        let exclusions = conditionalAccessExclusionGroupId.map { [$0] } ?? []
        let adminRoles = ["62e90394-69f5-4237-9190-012177145e10", "e8611ab8-c189-46e8-94e1-60213ab1f814",
                          "fe930be7-5e62-47db-91af-98c3a49a38b1", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
                          "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", "194ae4cb-b126-40b2-bd5b-6091b380977d",
                          "c4e39bd9-1100-46d3-8c65-fb160da0071f"]
        var policies: [JSONObject] = []
        policies.append(makePolicy("Require MFA for administrators", state: "enabled",
                                   users: usersCondition(exclude: breakGlass, includeRoles: adminRoles),
                                   grant: grant(["mfa"])))
        policies.append(makePolicy("Block legacy authentication", state: "enabled",
                                   users: usersCondition(include: ["All"], exclude: breakGlass, excludeGroups: exclusions),
                                   clientAppTypes: ["exchangeActiveSync", "other"], grant: grant(["block"])))
        policies.append(makePolicy(
            "Require MFA for all users outside trusted locations", state: "enabled",
            users: usersCondition(include: ["All"], exclude: breakGlass, excludeGroups: exclusions),
            locations: ["includeLocations": ["All"], "excludeLocations": .strings(trustedLocationIds)],
            grant: grant(["mfa"])))
        if let blocked = blockedCountryLocationId {
            policies.append(makePolicy(
                "Block access from blocked countries", state: "enabled",
                users: usersCondition(include: ["All"], exclude: breakGlass),
                locations: ["includeLocations": .strings([blocked]), "excludeLocations": []],
                grant: grant(["block"])))
        }
        let protectedApps = Array(applicationAppIds.prefix(3))
        if !protectedApps.isEmpty {
            policies.append(makePolicy(
                "Require compliant device for line-of-business apps", state: "enabled",
                users: usersCondition(include: ["All"], excludeGroups: exclusions),
                applications: [
                    "includeApplications": .strings(protectedApps),
                    "excludeApplications": [],
                    "includeUserActions": [],
                    "includeAuthenticationContextClassReferences": [],
                    "applicationFilter": .null,
                ],
                platforms: ["includePlatforms": ["all"], "excludePlatforms": ["iOS", "android"]],
                grant: grant(["compliantDevice", "domainJoinedDevice"])))
        }
        policies.append(makePolicy("Require MFA for guests", state: "enabledForReportingButNotEnforced",
                                   users: usersCondition(include: ["GuestsOrExternalUsers"]),
                                   grant: grant(["mfa"])))
        if let sales = departmentGroupIds["Sales"] {
            policies.append(makePolicy(
                "Sign-in frequency for Sales", state: "enabled",
                users: usersCondition(exclude: breakGlass, includeGroups: [sales]),
                grant: grant(["mfa"]),
                session: [
                    "applicationEnforcedRestrictions": .null,
                    "cloudAppSecurity": .null,
                    "persistentBrowser": ["mode": "never", "isEnabled": true],
                    "signInFrequency": ["value": 12, "type": "hours", "authenticationType": "primaryAndSecondaryAuthentication",
                                        "frequencyInterval": "timeBased", "isEnabled": true],
                    "disableResilienceDefaults": .null,
                ]))
        }
        policies.append(makePolicy("Block high-risk sign-ins", state: "disabled",
                                   users: usersCondition(include: ["All"], exclude: breakGlass),
                                   signInRiskLevels: ["high"], grant: grant(["block"])))
        for index in 0..<profile.extraConditionalAccessPolicies {
            let app = applicationAppIds.isEmpty ? "All" : applicationAppIds[(index + 3) % applicationAppIds.count]
            let group = securityGroupIds.isEmpty ? [] : [securityGroupIds[(index * 7) % securityGroupIds.count]]
            policies.append(makePolicy(
                "App protection \(index + 1)", state: random.chance(0.7) ? "enabled" : "enabledForReportingButNotEnforced",
                users: usersCondition(exclude: breakGlass, includeGroups: group),
                applications: ["includeApplications": .strings([app]), "excludeApplications": [], "includeUserActions": [],
                               "includeAuthenticationContextClassReferences": [], "applicationFilter": .null],
                grant: grant(["mfa", "compliantDevice"], operator: "AND")))
        }
        for policy in policies {
            directory.insert(.conditionalAccessPolicy, policy)
        }
    }

    mutating func seedApplicationPolicies() {
        guard !profile.isEmpty else { return }
        let claims = newId()
        directory.insert(.claimsMappingPolicy, [
            "id": .string(claims),
            "deletedDateTime": .null,
            "definition": .strings([
                "{\"ClaimsMappingPolicy\":{\"Version\":1,\"IncludeBasicClaimSet\":\"true\",\"ClaimsSchema\":[{\"Source\":\"user\",\"ID\":\"employeeid\",\"SamlClaimType\":\"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/employeeid\",\"JwtClaimType\":\"employeeid\"}]}}",
            ]),
            "description": .null,
            "displayName": "Employee ID claim",
            "isOrganizationDefault": false,
        ])
        let lifetime = newId()
        directory.insert(.tokenLifetimePolicy, [
            "id": .string(lifetime),
            "deletedDateTime": .null,
            "definition": .strings(["{\"TokenLifetimePolicy\":{\"Version\":1,\"AccessTokenLifetime\":\"08:00:00\"}}"]),
            "description": .null,
            "displayName": "Eight hour access tokens",
            "isOrganizationDefault": false,
        ])
        let issuance = newId()
        directory.insert(.tokenIssuancePolicy, [
            "id": .string(issuance),
            "deletedDateTime": .null,
            "definition": .strings(["{\"TokenIssuancePolicy\":{\"Version\":1,\"SigningAlgorithm\":\"http://www.w3.org/2001/04/xmldsig-more#rsa-sha256\",\"TokenResponseSigningPolicy\":\"TokenOnly\",\"SamlTokenVersion\":\"2.0\"}}"]),
            "description": .null,
            "displayName": "SAML token issuance",
            "isOrganizationDefault": false,
        ])
        if let gallery = gallerySpIds.first {
            directory.policyAssignments.add(gallery, claims)
            directory.policyAssignments.add(gallery, issuance)
        }
        if let sp = servicePrincipalByAppId[applicationAppIds.first ?? ""] {
            directory.policyAssignments.add(sp, lifetime)
        }
    }

    /// Soft-deleted objects already in the recycle bin, deleted within the last 30 days.
    mutating func seedDeletedItems() {
        guard profile.users >= 10 else { return }
        let users = max(1, profile.users / 200)
        let candidates = memberUserIds.filter { $0 != adminUserId }
        for user in pickUsers(users, from: candidates) {
            directory.softDelete(.user, user, at: now.addingTimeInterval(-86_400 * Double(random.int(in: 1...25))))
        }
        for group in pickUsers(max(1, unifiedGroupIds.count / 100), from: Array(unifiedGroupIds.dropFirst(2))) {
            directory.softDelete(.group, group, at: now.addingTimeInterval(-86_400 * Double(random.int(in: 1...25))))
        }
        if let app = applicationAppIds.last, applicationAppIds.count > 3,
           let entity = directory.collection(.application).all(where: { $0.object["appId"]?.stringValue == app }).first {
            directory.softDelete(.application, entity.id, at: now.addingTimeInterval(-86_400 * Double(random.int(in: 1...25))))
        }
    }
}
