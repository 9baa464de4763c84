import Foundation

extension TenantSeeder {
    /// Microsoft's own service principals, present in every tenant. Microsoft Graph's carries the
    /// application permissions (`appRoles`) that app role assignments grant.
    mutating func seedFirstPartyServicePrincipals() {
        graphServicePrincipalId = newId()
        var graph = ObjectTemplates.servicePrincipal(
            id: graphServicePrincipalId, appId: WellKnown.microsoftGraphAppId, displayName: "Microsoft Graph",
            appOwnerOrganizationId: WellKnown.microsoftTenantId, signInAudience: "AzureADMultipleOrgs"
        )
        graph["appRoles"] = .array(WellKnown.graphApplicationPermissions.map { permission in
            .object([
                "allowedMemberTypes": ["Application"],
                "description": .string("Allows the app to use \(permission.value) without a signed-in user."),
                "displayName": .string(permission.value),
                "id": .string(permission.id),
                "isEnabled": true,
                "origin": "Application",
                "value": .string(permission.value),
            ])
        })
        graph["oauth2PermissionScopes"] = .array(WellKnown.graphDelegatedScopes.map { scope in
            .object([
                "adminConsentDescription": .string("Allows the app to use \(scope.value) on behalf of the signed-in user."),
                "adminConsentDisplayName": .string(scope.value),
                "id": .string(scope.id),
                "isEnabled": true,
                "type": "User",
                "userConsentDescription": .string("Allows the app to use \(scope.value) on your behalf."),
                "userConsentDisplayName": .string(scope.value),
                "value": .string(scope.value),
            ])
        })
        graph["servicePrincipalNames"] = .strings([WellKnown.microsoftGraphAppId, "https://graph.microsoft.com",
                                                   "https://graph.microsoft.com/", "https://canary.graph.microsoft.com"])
        graph["publisherName"] = "Microsoft Services"
        directory.insert(.servicePrincipal, graph)
        servicePrincipalByAppId[WellKnown.microsoftGraphAppId] = graphServicePrincipalId

        let others: [(String, String)] = [
            ("00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online"),
            ("00000003-0000-0ff1-ce00-000000000000", "Office 365 SharePoint Online"),
            ("00000002-0000-0000-c000-000000000000", "Windows Azure Active Directory"),
            ("797f4846-ba00-4fd7-ba43-dac1f8f63013", "Windows Azure Service Management API"),
            ("c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Azure Portal"),
            ("04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Microsoft Azure CLI"),
        ]
        for (appId, name) in others {
            let id = newId()
            var sp = ObjectTemplates.servicePrincipal(id: id, appId: appId, displayName: name,
                                                      appOwnerOrganizationId: WellKnown.microsoftTenantId,
                                                      signInAudience: "AzureADMultipleOrgs")
            sp["publisherName"] = "Microsoft Services"
            directory.insert(.servicePrincipal, sp)
            servicePrincipalByAppId[appId] = id
        }
    }

    mutating func seedApplications() {
        guard profile.applicationCount > 0 else { return }
        let members = memberUserIds
        for index in 0..<profile.applicationCount {
            let baseName = NameData.appNames[index % NameData.appNames.count]
            let name = index < NameData.appNames.count ? baseName : "\(baseName) \(index / NameData.appNames.count + 1)"
            let id = newId()
            let appId = newId()
            let created = pastTimestamp()
            var app = ObjectTemplates.application(id: id, appId: appId, displayName: name, createdDateTime: created,
                                                  publisherDomain: primaryDomain,
                                                  signInAudience: random.chance(0.15) ? "AzureADMultipleOrgs" : "AzureADMyOrg")

            // Permissions it asks for on Microsoft Graph; admin-consented ones become assignments.
            let roles = pickPermissions(count: random.int(in: 0...3))
            let scopes = Array(WellKnown.graphDelegatedScopes.prefix(random.int(in: 1...5)))
            var access: [JSONValue] = scopes.map { .object(["id": .string($0.id), "type": "Scope"]) }
            access += roles.map { .object(["id": .string($0.id), "type": "Role"]) }
            app["requiredResourceAccess"] = [[
                "resourceAppId": .string(WellKnown.microsoftGraphAppId),
                "resourceAccess": .array(access),
            ]]
            var passwordCredentials: [JSONValue] = []
            for secret in 0..<random.int(in: 0...2) {
                let start = pastTimestamp()
                let expired = random.chance(0.1)
                passwordCredentials.append([
                    "customKeyIdentifier": .null,
                    "displayName": .string(secret == 0 ? "Production secret" : "Rotation secret"),
                    "endDateTime": .string(expired ? timestamp(daysAgo: Double(random.int(in: 1...90)))
                                                   : futureTimestamp(days: Double(random.int(in: 10...720)))),
                    "hint": .string(random.string(3, alphabet: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")),
                    "keyId": .string(newId()),
                    "secretText": .null,
                    "startDateTime": .string(start),
                ])
            }
            app["passwordCredentials"] = .array(passwordCredentials)
            if random.chance(0.3) {
                let keyId = newId()
                app["keyCredentials"] = [[
                    "customKeyIdentifier": .string(random.string(40, alphabet: "0123456789ABCDEF")),
                    "displayName": .string("CN=\(name.replacingOccurrences(of: " ", with: ""))"),
                    "endDateTime": .string(futureTimestamp(days: Double(random.int(in: 30...730)))),
                    "key": .null,
                    "keyId": .string(keyId),
                    "startDateTime": .string(created),
                    "type": "AsymmetricX509Cert",
                    "usage": "Verify",
                ]]
                directory.keyCredentialKeys[keyId] = Data((0..<96).map { _ in UInt8(truncatingIfNeeded: random.next()) }).base64EncodedString()
            }
            if random.chance(0.2) {
                app["appRoles"] = [[
                    "allowedMemberTypes": ["User"],
                    "description": "Can administer the application",
                    "displayName": "Administrator",
                    "id": .string(newId()),
                    "isEnabled": true,
                    "origin": "Application",
                    "value": "App.Admin",
                ]]
            }
            if random.chance(0.4) {
                app["identifierUris"] = .array([.string("api://\(appId)")])
                app["api"] = [
                    "requestedAccessTokenVersion": 2,
                    "acceptMappedClaims": .null,
                    "knownClientApplications": [],
                    "oauth2PermissionScopes": [[
                        "adminConsentDescription": .string("Allow access to \(name)"),
                        "adminConsentDisplayName": .string("Access \(name)"),
                        "id": .string(newId()),
                        "isEnabled": true,
                        "type": "User",
                        "userConsentDescription": .null,
                        "userConsentDisplayName": .null,
                        "value": "access_as_user",
                    ]],
                    "preAuthorizedApplications": [],
                ]
            }
            if random.chance(0.6) {
                let host = name.lowercased().filter(\.isLetter)
                app["web"] = [
                    "redirectUris": .array([.string("https://\(host).\(primaryDomain)/signin-oidc")]),
                    "homePageUrl": .string("https://\(host).\(primaryDomain)"),
                    "logoutUrl": .null,
                    "redirectUriSettings": [],
                    "implicitGrantSettings": ["enableIdTokenIssuance": .bool(random.chance(0.3)), "enableAccessTokenIssuance": false],
                ]
            }
            app["tags"] = random.chance(0.3) ? ["HideApp"] : []
            directory.insert(.application, app)
            applicationAppIds.append(appId)
            for owner in pickUsers(random.int(in: 1...2), from: members) {
                directory.owners.add(id, owner)
            }
            if random.chance(0.15) {
                directory.insert(.federatedIdentityCredential, [
                    "id": .string(newId()),
                    "name": .string("github-\(name.lowercased().filter(\.isLetter))-main"),
                    "issuer": "https://token.actions.githubusercontent.com",
                    "subject": .string("repo:\(primaryDomain.split(separator: ".")[0])/\(name.lowercased().filter(\.isLetter)):ref:refs/heads/main"),
                    "description": "Deployments from GitHub Actions",
                    "audiences": ["api://AzureADTokenExchange"],
                ], parent: id)
            }

            // Its service principal in this (home) tenant.
            let spId = newId()
            var sp = ObjectTemplates.servicePrincipal(id: spId, appId: appId, displayName: name,
                                                      appOwnerOrganizationId: directory.tenantId)
            sp["appRoles"] = app["appRoles"] ?? []
            sp["servicePrincipalNames"] = .array([.string(appId)] + (app["identifierUris"]?.arrayValue ?? []))
            sp["tags"] = ["WindowsAzureActiveDirectoryIntegratedApp"]
            directory.insert(.servicePrincipal, sp)
            servicePrincipalByAppId[appId] = spId
            if let owner = pickUsers(1, from: members).first { directory.owners.add(spId, owner) }

            if random.chance(0.8) {
                for role in roles {
                    grantApplicationPermission(servicePrincipalId: spId, displayName: name, permissionId: role.id)
                }
            }
            if random.chance(0.5) {
                let grantScope = scopes.map(\.value).joined(separator: " ")
                directory.insert(.oAuth2PermissionGrant, makeGrant(clientId: spId, resourceId: graphServicePrincipalId,
                                                                   principalId: nil, scope: grantScope))
                if random.chance(0.3), let user = pickUsers(1, from: members).first {
                    directory.insert(.oAuth2PermissionGrant, makeGrant(clientId: spId, resourceId: graphServicePrincipalId,
                                                                       principalId: user, scope: "User.Read offline_access"))
                }
            }
        }

        // A schema-extension app with directory extension properties that users carry values for.
        let extensionApp = newId()
        directory.insert(.application, ObjectTemplates.application(
            id: extensionApp, appId: extensionAppId, displayName: "Tenant Schema Extension App",
            createdDateTime: pastTimestamp(), publisherDomain: primaryDomain))
        let extensionSp = newId()
        directory.insert(.servicePrincipal, ObjectTemplates.servicePrincipal(
            id: extensionSp, appId: extensionAppId, displayName: "Tenant Schema Extension App",
            appOwnerOrganizationId: directory.tenantId))
        servicePrincipalByAppId[extensionAppId] = extensionSp
        let prefix = extensionPrefix
        for (name, dataType, multi) in [("costCenter", "String", false), ("badgeNumber", "Integer", false),
                                         ("projectCodes", "String", true)] {
            directory.insert(.extensionProperty, [
                "id": .string(newId()),
                "deletedDateTime": .null,
                "appDisplayName": "Tenant Schema Extension App",
                "dataType": .string(dataType),
                "isMultiValued": .bool(multi),
                "isSyncedFromOnPremises": false,
                "name": .string(prefix + name),
                "targetObjects": ["User"],
            ], parent: extensionApp)
        }
    }

    mutating func pickPermissions(count: Int) -> [(value: String, id: String)] {
        let readable = WellKnown.graphApplicationPermissions.filter { $0.value.contains(".Read.") }
        return random.distinctIndices(count, below: readable.count).map { readable[$0] }
    }

    mutating func grantApplicationPermission(servicePrincipalId: String, displayName: String, permissionId: String) {
        let id = ObjectTemplates.compositeId([servicePrincipalId, permissionId])
        directory.insert(.appRoleAssignment, ObjectTemplates.appRoleAssignment(
            id: id, appRoleId: permissionId, createdDateTime: pastTimestamp(), principalId: servicePrincipalId,
            principalDisplayName: displayName, principalType: "ServicePrincipal",
            resourceId: graphServicePrincipalId, resourceDisplayName: "Microsoft Graph"))
        directory.appRoleAssignmentsByPrincipal.add(servicePrincipalId, id)
        directory.appRoleAssignmentsByResource.add(graphServicePrincipalId, id)
    }

    mutating func makeGrant(clientId: String, resourceId: String, principalId: String?, scope: String) -> JSONObject {
        let id = ObjectTemplates.compositeId([clientId, resourceId] + (principalId.map { [$0] } ?? []))
        return [
            "@odata.id": .string("https://graph.microsoft.com/v2/\(directory.tenantId)/oauth2PermissionGrants/\(id)"),
            "clientId": .string(clientId),
            "consentType": principalId == nil ? "AllPrincipals" : "Principal",
            "id": .string(id),
            "principalId": .string(principalId),
            "resourceId": .string(resourceId),
            "scope": .string(scope),
        ]
    }

    /// Enterprise applications from the gallery: SAML single sign-on, assignment required, users and
    /// groups assigned to their roles.
    mutating func seedGalleryApplications() {
        guard profile.galleryAppCount > 0 else { return }
        for gallery in NameData.galleryApps.prefix(profile.galleryAppCount) {
            let id = newId()
            let appId = newId()
            let userRole = newId()
            let defaultAccess = "18d14569-c3bd-439b-9a66-3a2aee01d14f"
            var sp = ObjectTemplates.servicePrincipal(id: id, appId: appId, displayName: gallery.name,
                                                      appOwnerOrganizationId: newId(),
                                                      signInAudience: "AzureADMultipleOrgs")
            sp["appRoleAssignmentRequired"] = true
            sp["preferredSingleSignOnMode"] = "saml"
            sp["samlSingleSignOnSettings"] = ["relayState": .null]
            sp["loginUrl"] = .string("https://\(gallery.name.lowercased().filter(\.isLetter)).example/sso")
            sp["replyUrls"] = .array([.string("https://\(gallery.name.lowercased().filter(\.isLetter)).example/saml/acs")])
            sp["publisherName"] = .string(gallery.publisher)
            sp["preferredTokenSigningKeyThumbprint"] = .string(random.string(40, alphabet: "0123456789ABCDEF"))
            sp["tags"] = ["WindowsAzureActiveDirectoryGalleryApplicationNonPrimaryV1", "WindowsAzureActiveDirectoryCustomSingleSignOnApplication"]
            sp["appRoles"] = [
                [
                    "allowedMemberTypes": ["User"],
                    "description": "User",
                    "displayName": "User",
                    "id": .string(userRole),
                    "isEnabled": true,
                    "origin": "Application",
                    "value": .null,
                ],
                [
                    "allowedMemberTypes": ["User"],
                    "description": "msiam_access",
                    "displayName": "msiam_access",
                    // Gallery apps' default access role, which 20% of their assignments below grant.
                    "id": .string(defaultAccess),
                    "isEnabled": true,
                    "origin": "Application",
                    "value": .null,
                ],
            ]
            directory.insert(.servicePrincipal, sp)
            gallerySpIds.append(id)
            servicePrincipalByAppId[appId] = id

            var principals: [(String, String)] = pickUsers(random.int(in: 3...30), from: memberUserIds).map { ($0, "User") }
            for group in pickUsers(random.int(in: 1...3), from: securityGroupIds) {
                principals.append((group, "Group"))
            }
            for (principal, type) in principals {
                let assignmentId = ObjectTemplates.compositeId([principal, newId()])
                let name = type == "User" ? userDisplayNames[principal] : directory.entity(.group, principal)?.object["displayName"]?.stringValue
                directory.insert(.appRoleAssignment, ObjectTemplates.appRoleAssignment(
                    id: assignmentId, appRoleId: random.chance(0.8) ? userRole : defaultAccess,
                    createdDateTime: pastTimestamp(), principalId: principal, principalDisplayName: name,
                    principalType: type, resourceId: id, resourceDisplayName: gallery.name))
                directory.appRoleAssignmentsByPrincipal.add(principal, assignmentId)
                directory.appRoleAssignmentsByResource.add(id, assignmentId)
            }
            // Service principals can be group members too.
            if let group = securityGroupIds.last {
                directory.memberships.add(group, id)
            }
        }
    }
}
