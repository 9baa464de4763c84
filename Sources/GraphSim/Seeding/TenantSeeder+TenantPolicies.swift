import Foundation

extension TenantSeeder {
    /// Security defaults, consent policies, external identity providers and, for hybrid tenants,
    /// the federated primary domain, a partner's inbound user sync and a multitenant organization.
    mutating func seedTenantPolicies() {
        directory.insert(.identitySecurityDefaultsEnforcementPolicy, [
            "id": "00000000-0000-0000-0000-000000000005",
            "description": "Security defaults is a set of basic identity security mechanisms recommended by Microsoft. When enabled, these recommendations will be automatically enforced in your organization. Administrators and users will be better protected from common identity related attacks.",
            "displayName": "Security Defaults",
            // A tenant with conditional access policies has security defaults switched off.
            "isEnabled": .bool(profile.isEmpty),
        ], key: "00000000-0000-0000-0000-000000000005")
        var reviewers: [JSONValue] = []
        if let admin = adminUserId {
            reviewers.append(["query": .string("/users/\(admin)"), "queryType": "MicrosoftGraph", "queryRoot": .null])
        }
        if let group = roleAssignableGroupIds.first {
            reviewers.append(["query": .string("/groups/\(group)/transitiveMembers/microsoft.graph.user"),
                              "queryType": "MicrosoftGraph", "queryRoot": .null])
        }
        directory.insert(.adminConsentRequestPolicy, [
            "isEnabled": .bool(!reviewers.isEmpty), "notifyReviewers": true, "remindersEnabled": true,
            "requestDurationInDays": 30, "reviewers": .array(reviewers), "version": 1,
        ], key: "adminConsentRequestPolicy")

        func condition(_ type: String, classification: String = "all", verified: Bool = false) -> JSONValue {
            var object = GraphSimulator.conditionSetDefaults
            object["permissionType"] = .string(type)
            object["permissionClassification"] = .string(classification)
            object["clientApplicationsFromVerifiedPublisherOnly"] = .bool(verified)
            var ordered: JSONObject = ["id": .string(newId())]
            for member in object { ordered.append(member.key, member.value) }
            return .object(ordered)
        }
        let builtIns: [(String, String, String, [JSONValue])] = [
            ("microsoft-all-application-permissions", "All application permissions, for any client app",
             "Includes all application permissions (app roles), for all APIs, for any client application.", [condition("application")]),
            ("microsoft-company-admin", "Company Admin Policy", "Permissions consentable by Company Administrators.",
             [condition("application"), condition("delegated")]),
            ("microsoft-user-default-low", "Default policy for user consent to apps (low risk)",
             "Includes low risk delegated permissions for apps from verified publishers.",
             [condition("delegated", classification: "low", verified: true)]),
            ("microsoft-user-default-legacy", "Default policy for user consent to apps (legacy)",
             "Includes all delegated permissions for any client application.", [condition("delegated")]),
        ]
        for (id, name, description, includes) in builtIns {
            directory.insert(.permissionGrantPolicy, [
                "id": .string(id), "deletedDateTime": .null, "description": .string(description), "displayName": .string(name),
                "includes": .array(includes), "excludes": [],
            ])
        }
        for provider in [("AADSignup-OAUTH", "Azure Active Directory Sign up", "AADSignup"),
                         ("EmailOtpSignup-OAUTH", "Email One Time Passcode", "EmailOTP"),
                         ("MSASignup-OAUTH", "Microsoft Account", "MicrosoftAccount")] {
            directory.insert(.identityProvider, [
                "@odata.type": "#microsoft.graph.builtInIdentityProvider", "id": .string(provider.0),
                "displayName": .string(provider.1), "identityProviderType": .string(provider.2), "state": .null,
            ])
        }
        guard !profile.isEmpty else {
            directory.insert(.multiTenantOrganization, [
                "id": .null, "createdDateTime": .null, "description": .null, "displayName": .null, "state": "inactive",
            ], key: "multiTenantOrganization")
            return
        }

        directory.insert(.permissionGrantPolicy, [
            "id": "tier-1", "deletedDateTime": .null, "description": "Custom permission grant policy for tier 1 help desk.",
            "displayName": "Tier 1 Help Desk",
            "includes": [condition("delegated", classification: "low", verified: true)], "excludes": [],
        ])
        directory.insert(.identityProvider, [
            "@odata.type": "#microsoft.graph.socialIdentityProvider", "id": "Google-OAUTH", "displayName": "Google",
            "identityProviderType": "Google",
            "clientId": .string("\(random.below(900_000_000) + 100_000_000)-\(random.string(32, alphabet: "abcdefghijklmnopqrstuvwxyz0123456789")).apps.googleusercontent.com"),
            "clientSecret": "******",
        ])

        // Hybrid tenants federate their primary domain to their on-premises AD FS.
        if profile.isHybrid, let domain = directory.entity(.domain, primaryDomain), domain.object["isVerified"]?.boolValue == true {
            let certificate = Data((0..<180).map { _ in UInt8(truncatingIfNeeded: random.next()) }).base64EncodedString()
            directory.insert(.internalDomainFederation, [
                "@odata.type": "#microsoft.graph.internalDomainFederation", "id": .string(newId()),
                "displayName": .string(directory.displayName), "issuerUri": .string("http://\(primaryDomain)/adfs/services/trust"),
                "metadataExchangeUri": .string("https://sts.\(primaryDomain)/adfs/services/trust/mex"),
                "signingCertificate": .string(certificate), "passiveSignInUri": .string("https://sts.\(primaryDomain)/adfs/ls"),
                "preferredAuthenticationProtocol": "wsFed",
                "activeSignInUri": .string("https://sts.\(primaryDomain)/adfs/services/trust/2005/usernamemixed"),
                "signOutUri": .string("https://sts.\(primaryDomain)/adfs/ls"), "promptLoginBehavior": "nativeSupport",
                "isSignedAuthenticationRequestRequired": true, "nextSigningCertificate": .null,
                "federatedIdpMfaBehavior": "acceptIfMfaDoneByFederatedIdp",
                "signingCertificateUpdateStatus": ["certificateUpdateResult": "Success", "lastRunDateTime": .string(timestamp(daysAgo: 3))],
                "passwordResetUri": .null,
            ], parent: primaryDomain)
            directory.update(.domain, primaryDomain) { $0["authenticationType"] = "Federated" }
        }

        let partners = directory.collection(.crossTenantAccessPolicyConfigurationPartner).elements
        if let partner = partners.first {
            directory.insert(.crossTenantIdentitySyncPolicyPartner, [
                "tenantId": .string(partner.id), "displayName": "Partner tenant", "userSyncInbound": ["isSyncAllowed": true],
            ], parent: partner.id, key: "identitySynchronization")
        }
        if profile.isHybrid, let partner = partners.first {
            let created = pastTimestamp()
            directory.insert(.multiTenantOrganization, [
                "id": .string(newId()), "createdDateTime": .string(created), "description": .string("\(directory.displayName) and its subsidiaries"),
                "displayName": .string("\(directory.displayName) group"), "state": "active",
            ], key: "multiTenantOrganization")
            for (tenant, role, name) in [(directory.tenantId, "owner", directory.displayName), (partner.id, "member", "Partner tenant")] {
                directory.insert(.multiTenantOrganizationMember, [
                    "id": .string(tenant), "tenantId": .string(tenant), "displayName": .string(name), "addedDateTime": .string(created),
                    "addedByTenantId": .string(directory.tenantId), "joinedDateTime": .string(created), "role": .string(role),
                    "state": "active", "transitionDetails": .null, "deletedDateTime": .null,
                ])
            }
        } else {
            directory.insert(.multiTenantOrganization, [
                "id": .null, "createdDateTime": .null, "description": .null, "displayName": .null, "state": "inactive",
            ], key: "multiTenantOrganization")
        }
    }
}
