import Foundation

extension TenantSeeder {
    /// Entra's three built-in authentication strengths (every tenant has them); two custom ones (one
    /// with a FIDO2 key allow-list), two authentication contexts, and conditional access policies
    /// that require them, so a restore has references to rebuild.
    mutating func seedAuthenticationStrengths() {
        let builtInCreated = JSONValue.string("2021-12-01T00:00:00Z")
        let builtIns: [(id: String, name: String, description: String, combinations: [String])] = [
            ("00000000-0000-0000-0000-000000000002", "Multifactor authentication",
             "Combinations of methods that satisfy strong authentication, such as a password + SMS",
             GraphSimulator.multifactorCombinations),
            ("00000000-0000-0000-0000-000000000003", "Passwordless MFA",
             "Passwordless methods that satisfy strong authentication, such as Passwordless sign-in with the Microsoft Authenticator",
             ["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush"]),
            ("00000000-0000-0000-0000-000000000004", "Phishing resistant MFA",
             "Phishing resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key",
             ["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"]),
        ]
        for builtIn in builtIns {
            directory.insert(.authenticationStrengthPolicy, [
                "id": .string(builtIn.id), "createdDateTime": builtInCreated, "modifiedDateTime": builtInCreated,
                "displayName": .string(builtIn.name), "description": .string(builtIn.description), "policyType": "builtIn",
                "requirementsSatisfied": "mfa", "allowedCombinations": .strings(builtIn.combinations),
            ])
        }
        guard !profile.isEmpty else { return }

        let adminStrength = newId()
        let created = JSONValue.string(pastTimestamp())
        directory.insert(.authenticationStrengthPolicy, [
            "id": .string(adminStrength), "createdDateTime": created, "modifiedDateTime": created,
            "displayName": "Admin phishing-resistant (approved keys)",
            "description": "FIDO2 keys of the approved models, Windows Hello or certificate", "policyType": "custom",
            "requirementsSatisfied": "mfa", "allowedCombinations": ["fido2", "windowsHelloForBusiness", "x509CertificateMultiFactor"],
        ])
        directory.insert(.authenticationCombinationConfiguration, [
            "@odata.type": "#microsoft.graph.fido2CombinationConfiguration", "id": .string(newId()),
            "appliesToCombinations": ["fido2"],
            "allowedAAGUIDs": ["cb69481e-8ff7-4039-93ec-0a2729a154a8", "ee882879-721c-4913-9775-3dfcce97072a"],
        ], parent: adminStrength)
        let staffStrength = newId()
        directory.insert(.authenticationStrengthPolicy, [
            "id": .string(staffStrength), "createdDateTime": created, "modifiedDateTime": created,
            "displayName": "MFA without SMS or voice", "description": .null, "policyType": "custom",
            "requirementsSatisfied": "mfa",
            "allowedCombinations": ["windowsHelloForBusiness", "fido2", "deviceBasedPush", "password,microsoftAuthenticatorPush",
                                    "password,softwareOath", "password,hardwareOath"],
        ])

        directory.insert(.authenticationContextClassReference, [
            "id": "c1", "description": "Step-up for sensitive data: compliant device and phishing-resistant MFA",
            "displayName": "Sensitive data", "isAvailable": true,
        ])
        directory.insert(.authenticationContextClassReference, [
            "id": "c2", "description": "PIM activation of privileged roles", "displayName": "Privileged role activation",
            "isAvailable": true,
        ])
        directory.insert(.authenticationContextClassReference, [
            "id": "c3", "description": .null, "displayName": "Finance approvals (pilot)", "isAvailable": false,
        ])

        let breakGlass = breakGlassUserId.map { [$0] } ?? []
        var strong = grant([], operator: "AND").objectValue ?? [:]
        strong["builtInControls"] = []
        strong["authenticationStrength"] = [
            "id": .string(adminStrength), "displayName": "Admin phishing-resistant (approved keys)",
            "policyType": "custom", "requirementsSatisfied": "mfa",
        ]
        insertPolicy(makePolicy(
            "Phishing-resistant MFA for administrators", state: "enabled",
            users: usersCondition(exclude: breakGlass, includeRoles: [WellKnown.globalAdministratorTemplate,
                                                                     "e8611ab8-c189-46e8-94e1-60213ab1f814"]),
            grant: .object(strong)))
        var stepUp = grant(["compliantDevice"], operator: "AND").objectValue ?? [:]
        stepUp["authenticationStrength"] = [
            "id": "00000000-0000-0000-0000-000000000004", "displayName": "Phishing resistant MFA",
            "policyType": "builtIn", "requirementsSatisfied": "mfa",
        ]
        insertPolicy(makePolicy(
            "Step-up for sensitive data", state: "enabled",
            users: usersCondition(include: ["All"], exclude: breakGlass),
            applications: ["includeApplications": [], "excludeApplications": [], "includeUserActions": [],
                           "includeAuthenticationContextClassReferences": ["c1"], "applicationFilter": .null],
            grant: .object(stepUp)))
        var staff = grant([]).objectValue ?? [:]
        staff["authenticationStrength"] = [
            "id": .string(staffStrength), "displayName": "MFA without SMS or voice", "policyType": "custom",
            "requirementsSatisfied": "mfa",
        ]
        insertPolicy(makePolicy(
            "MFA without telephony for IT", state: "enabledForReportingButNotEnforced",
            users: usersCondition(includeGroups: departmentGroupIds["IT"].map { [$0] } ?? []), grant: .object(staff)))
    }

    /// Stores a seeded policy with its authentication strength expanded, as Graph returns it.
    mutating func insertPolicy(_ policy: JSONObject) {
        directory.insert(.conditionalAccessPolicy, (try? directory.checkedConditionalAccessReferences(policy)) ?? policy)
    }
}
