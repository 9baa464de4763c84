import Foundation

/// Creating objects the way Entra does: required properties, server-assigned ids, uniqueness
/// checks, and the defaults of every property the client did not send.
extension TenantDirectory {
    static let requiredProperties: [String: [String]] = [
        "user": ["accountEnabled", "displayName", "mailNickname", "passwordProfile", "userPrincipalName"],
        "group": ["displayName", "mailEnabled", "mailNickname", "securityEnabled"],
        "application": ["displayName"],
        "servicePrincipal": ["appId"],
        "device": ["accountEnabled", "alternativeSecurityIds", "deviceId", "displayName", "operatingSystem",
                   "operatingSystemVersion"],
        "administrativeUnit": ["displayName"],
        "conditionalAccessPolicy": ["displayName", "state", "conditions"],
        "namedLocation": ["displayName"],
        "unifiedRoleAssignment": ["principalId", "roleDefinitionId"],
        "unifiedRoleDefinition": ["displayName", "rolePermissions", "isEnabled"],
        "oAuth2PermissionGrant": ["clientId", "consentType", "resourceId"],
        "federatedIdentityCredential": ["name", "issuer", "subject", "audiences"],
        "extensionProperty": ["name", "dataType", "targetObjects"],
        "groupSetting": ["templateId", "values"],
        "groupLifecyclePolicy": ["groupLifetimeInDays", "managedGroupTypes"],
        "claimsMappingPolicy": ["definition", "displayName"],
        "tokenLifetimePolicy": ["definition", "displayName"],
        "tokenIssuancePolicy": ["definition", "displayName"],
        "homeRealmDiscoveryPolicy": ["definition", "displayName"],
        "activityBasedTimeoutPolicy": ["definition", "displayName"],
        "appManagementPolicy": ["displayName"],
        "domain": ["id"],
    ]

    func requireProperties(_ body: JSONObject, type: ResourceType) throws {
        for name in Self.requiredProperties[type.name] ?? [] {
            guard let value = body[name], !value.isNull else {
                throw GraphError.badRequest("Property '\(name)' is required when creating the object.")
            }
        }
    }

    private var verifiedDomains: Set<String> {
        Set(collection(.domain).elements.compactMap { entity in
            entity.object["isVerified"]?.boolValue == true ? entity.id.lowercased() : nil
        })
    }

    mutating func createUser(_ body: JSONObject, now: Date) throws -> Entity {
        try requireProperties(body, type: .user)
        guard let upn = body["userPrincipalName"]?.stringValue, let at = upn.lastIndex(of: "@") else {
            throw GraphError.badRequest("Invalid value specified for property 'userPrincipalName' of resource 'User'.")
        }
        let domain = String(upn[upn.index(after: at)...]).lowercased()
        guard verifiedDomains.contains(domain) else {
            throw GraphError.badRequest("The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.")
        }
        let lowered = upn.lowercased()
        if !collection(.user).all(where: { $0.object["userPrincipalName"]?.stringValue?.lowercased() == lowered }).isEmpty {
            throw GraphError.badRequest("Another object with the same value for property userPrincipalName already exists.")
        }
        guard case .object(let profile)? = body["passwordProfile"], profile["password"]?.stringValue?.isEmpty == false else {
            throw GraphError.badRequest("Invalid value specified for property 'passwordProfile' of resource 'User'.")
        }
        var object = ObjectTemplates.blank(.user)
        for member in body where member.key != "passwordProfile" && member.key != "@odata.type" {
            object[member.key] = member.value
        }
        let id = newId()
        let created = Timestamp.format(now)
        object["id"] = .string(id)
        object["createdDateTime"] = .string(created)
        object["lastPasswordChangeDateTime"] = .string(created)
        object["signInSessionsValidFromDateTime"] = .string(created)
        object["userType"] = body["userType"] ?? "Member"
        object["imAddresses"] = []
        object["securityIdentifier"] = .string("S-1-12-1-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))")
        if object["identities"]?.arrayValue?.isEmpty ?? true {
            object["identities"] = [["signInType": "userPrincipalName", "issuer": .string(initialDomain), "issuerAssignedId": .string(upn)]]
        }
        if let mail = object["mail"]?.stringValue {
            object["proxyAddresses"] = .array([.string("SMTP:\(mail)")])
        }
        object["onPremisesExtensionAttributes"] = .object(JSONObject((1...15).map {
            JSONObject.Member(key: "extensionAttribute\($0)", value: body["onPremisesExtensionAttributes"]?["extensionAttribute\($0)"] ?? .null)
        }))
        return insert(.user, object)
    }

    mutating func createGroup(_ body: JSONObject, members: [String], owners owning: [String], now: Date) throws -> Entity {
        try requireProperties(body, type: .group)
        let types = body["groupTypes"]?.stringArray ?? []
        let unified = types.contains("Unified")
        let mailEnabled = body["mailEnabled"]?.boolValue ?? false
        if mailEnabled && !unified {
            throw GraphError.badRequest("Creating mail-enabled security groups and distribution lists is not supported through Microsoft Graph.")
        }
        if types.contains("DynamicMembership") && body["membershipRule"]?.stringValue == nil {
            throw GraphError.badRequest("Property 'membershipRule' is required for groups with dynamic membership.")
        }
        for id in members + owning where !isLive(id) {
            throw GraphError.notFound(id)
        }
        var object = ObjectTemplates.blank(.group)
        for member in body where member.key != "@odata.type" {
            object[member.key] = member.value
        }
        let id = newId()
        let created = Timestamp.format(now)
        object["id"] = .string(id)
        object["createdDateTime"] = .string(created)
        object["renewedDateTime"] = .string(created)
        object["securityIdentifier"] = .string("S-1-12-1-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))")
        if unified, let nickname = body["mailNickname"]?.stringValue {
            let domain = collection(.domain).all { $0.object["isDefault"]?.boolValue == true }.first?.id ?? initialDomain
            object["mail"] = .string("\(nickname)@\(domain)")
            object["proxyAddresses"] = .array([.string("SMTP:\(nickname)@\(domain)")])
            object["visibility"] = body["visibility"] ?? "Public"
        }
        if types.contains("DynamicMembership") {
            object["membershipRuleProcessingState"] = body["membershipRuleProcessingState"] ?? "On"
        }
        let entity = insert(.group, object)
        for member in members { addMember(member, to: id) }
        for owner in owning { owners.add(id, owner) }
        return entity
    }

    mutating func createApplication(_ body: JSONObject, owners owning: [String], now: Date) throws -> Entity {
        try requireProperties(body, type: .application)
        if let credentials = body["passwordCredentials"]?.arrayValue, !credentials.isEmpty {
            throw GraphError.readOnlyProperty("passwordCredentials")
        }
        for id in owning where !isLive(id) { throw GraphError.notFound(id) }
        let id = newId()
        let appId = newId()
        var object = ObjectTemplates.application(
            id: id, appId: appId, displayName: body["displayName"]?.stringValue ?? "",
            createdDateTime: Timestamp.format(now),
            publisherDomain: collection(.domain).all { $0.object["isDefault"]?.boolValue == true }.first?.id ?? initialDomain)
        for member in body where member.key != "@odata.type" && member.key != "passwordCredentials" {
            object[member.key] = member.value
        }
        object["id"] = .string(id)
        object["appId"] = .string(appId)
        let entity = insert(.application, object)
        for owner in owning { owners.add(id, owner) }
        return entity
    }

    mutating func createServicePrincipal(_ body: JSONObject, owners owning: [String], now: Date) throws -> Entity {
        try requireProperties(body, type: .servicePrincipal)
        let appId = body["appId"]?.stringValue ?? ""
        if servicePrincipalId(appId: appId) != nil {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue",
                             message: "The service principal cannot be created, updated, or restored because the service principal name \(appId) is already in use.")
        }
        guard let application = collection(.application).all(where: {
            $0.object["appId"]?.stringValue?.lowercased() == appId.lowercased()
        }).first else {
            throw GraphError.badRequest("The appId '\(appId)' of the service principal does not reference a valid application object.")
        }
        let id = newId()
        var object = ObjectTemplates.servicePrincipal(
            id: id, appId: application.object["appId"]?.stringValue ?? appId,
            displayName: application.object["displayName"]?.stringValue ?? "", appOwnerOrganizationId: tenantId,
            signInAudience: application.object["signInAudience"]?.stringValue ?? "AzureADMyOrg")
        object["appRoles"] = application.object["appRoles"] ?? []
        object["oauth2PermissionScopes"] = application.object["api"]?["oauth2PermissionScopes"] ?? []
        for member in body where member.key != "@odata.type" && member.key != "appId" {
            object[member.key] = member.value
        }
        let entity = insert(.servicePrincipal, object)
        for owner in owning { owners.add(id, owner) }
        return entity
    }

    mutating func createConditionalAccessPolicy(_ body: JSONObject, now: Date) throws -> Entity {
        try requireProperties(body, type: .conditionalAccessPolicy)
        let state = body["state"]?.stringValue ?? ""
        guard ["enabled", "disabled", "enabledForReportingButNotEnforced"].contains(state) else {
            throw GraphError(status: 400, code: "BadRequest", message: "Invalid value '\(state)' for property 'state'.")
        }
        guard body["conditions"]?["users"] != nil, body["conditions"]?["applications"] != nil else {
            throw GraphError(status: 400, code: "BadRequest",
                             message: "Conditions must include users and applications.")
        }
        guard body["grantControls"].map({ !$0.isNull }) == true || body["sessionControls"].map({ !$0.isNull }) == true else {
            throw GraphError(status: 400, code: "BadRequest", message: "A policy must have grant controls or session controls.")
        }
        var object = ObjectTemplates.blank(.conditionalAccessPolicy)
        for member in body { object[member.key] = member.value }
        object["id"] = .string(newId())
        object["createdDateTime"] = .string(Timestamp.formatPrecise(now))
        object["modifiedDateTime"] = .null
        object["deletedDateTime"] = .null
        object["templateId"] = .null
        return insert(.conditionalAccessPolicy, try checkedConditionalAccessReferences(object))
    }

    /// A policy's authentication strength must exist (Graph returns it expanded) and so must its
    /// authentication contexts.
    func checkedConditionalAccessReferences(_ policy: JSONObject) throws -> JSONObject {
        var policy = policy
        for id in policy["conditions"]?["applications"]?["includeAuthenticationContextClassReferences"]?.stringArray ?? [] {
            guard entity(.authenticationContextClassReference, id) != nil else {
                throw GraphError.badRequest("The authentication context '\(id)' does not exist.")
            }
        }
        guard case .object(var grant)? = policy["grantControls"], let strength = grant["authenticationStrength"], !strength.isNull else {
            return policy
        }
        guard let id = strength["id"]?.stringValue, let stored = entity(.authenticationStrengthPolicy, id) else {
            throw GraphError.badRequest("The authentication strength policy '\(strength["id"]?.stringValue ?? "")' does not exist.")
        }
        var expanded = JSONObject()
        for name in ["id", "createdDateTime", "modifiedDateTime", "displayName", "description", "policyType",
                     "requirementsSatisfied", "allowedCombinations"] {
            expanded.append(name, stored.object[name] ?? .null)
        }
        grant["authenticationStrength"] = .object(expanded)
        policy["grantControls"] = .object(grant)
        return policy
    }

    /// Federates a verified, non-initial domain (one configuration per domain).
    mutating func createDomainFederation(_ body: JSONObject, domain: String) throws -> Entity {
        guard let stored = entity(.domain, domain) else { throw GraphError.notFound(domain) }
        guard stored.object["isVerified"]?.boolValue == true, stored.object["isInitial"]?.boolValue != true else {
            throw GraphError.badRequest("Only a verified domain other than the initial domain can be federated.")
        }
        guard collection(.internalDomainFederation, parent: domain).count == 0 else {
            throw GraphError.badRequest("The domain '\(domain)' already has a federation configuration.")
        }
        for name in ["issuerUri", "signingCertificate", "passiveSignInUri"] where (body[name]?.stringValue ?? "").isEmpty {
            throw GraphError.badRequest("Property '\(name)' is required.")
        }
        var object = JSONObject()
        object.append("@odata.type", "#microsoft.graph.internalDomainFederation")
        object.append("id", .string(newId()))
        for name in ResourceType.internalDomainFederation.properties where name != "@odata.type" && name != "id" {
            object.append(name, body[name] ?? .null)
        }
        if object["preferredAuthenticationProtocol"]?.isNull != false { object["preferredAuthenticationProtocol"] = "wsFed" }
        if object["promptLoginBehavior"]?.isNull != false { object["promptLoginBehavior"] = "nativeSupport" }
        if object["federatedIdpMfaBehavior"]?.isNull != false { object["federatedIdpMfaBehavior"] = "acceptIfMfaDoneByFederatedIdp" }
        update(.domain, domain) { $0["authenticationType"] = "Federated" }
        return insert(.internalDomainFederation, object, parent: domain)
    }

    /// A social, Apple or SAML/WS-Fed identity provider; client secrets are never read back.
    mutating func createIdentityProvider(_ body: JSONObject) throws -> Entity {
        let kinds = ["#microsoft.graph.socialIdentityProvider", "#microsoft.graph.appleManagedIdentityProvider",
                     "#microsoft.graph.samlOrWsFedExternalDomainFederation"]
        guard let kind = body["@odata.type"]?.stringValue, kinds.contains(kind) else {
            throw GraphError.badRequest("The @odata.type of an identity provider must be one of \(kinds.joined(separator: ", ")).")
        }
        guard !(body["displayName"]?.stringValue ?? "").isEmpty else { throw GraphError.badRequest("Property 'displayName' is required.") }
        var object: JSONObject = ["@odata.type": .string(kind), "id": .string(newId())]
        for member in body where member.key != "@odata.type" && member.key != "id" { object[member.key] = member.value }
        if object["clientSecret"] != nil { object["clientSecret"] = "******" }
        return insert(.identityProvider, object)
    }

    mutating func createNamedLocation(_ body: JSONObject, now: Date) throws -> Entity {
        try requireProperties(body, type: .namedLocation)
        let kind = body["@odata.type"]?.stringValue ?? ""
        var object = JSONObject()
        object.append("@odata.type", .string(kind))
        object.append("id", .string(newId()))
        object.append("displayName", body["displayName"] ?? .null)
        object.append("modifiedDateTime", .string(Timestamp.formatPrecise(now)))
        object.append("createdDateTime", .string(Timestamp.formatPrecise(now)))
        switch kind {
        case "#microsoft.graph.ipNamedLocation":
            guard case .array(let ranges)? = body["ipRanges"], !ranges.isEmpty else {
                throw GraphError(status: 400, code: "BadRequest", message: "An IP named location needs at least one range in ipRanges.")
            }
            object.append("isTrusted", body["isTrusted"] ?? false)
            object.append("ipRanges", .array(ranges))
        case "#microsoft.graph.countryNamedLocation":
            guard case .array(let countries)? = body["countriesAndRegions"], !countries.isEmpty else {
                throw GraphError(status: 400, code: "BadRequest", message: "A country named location needs countriesAndRegions.")
            }
            object.append("countriesAndRegions", .array(countries))
            object.append("includeUnknownCountriesAndRegions", body["includeUnknownCountriesAndRegions"] ?? false)
            object.append("countryLookupMethod", body["countryLookupMethod"] ?? "clientIpAddress")
        default:
            throw GraphError(status: 400, code: "BadRequest",
                             message: "The @odata.type of a named location must be #microsoft.graph.ipNamedLocation or #microsoft.graph.countryNamedLocation.")
        }
        return insert(.namedLocation, object)
    }

    mutating func createRoleAssignment(_ body: JSONObject) throws -> Entity {
        try requireProperties(body, type: .unifiedRoleAssignment)
        let principal = body["principalId"]?.stringValue ?? ""
        let definition = body["roleDefinitionId"]?.stringValue ?? ""
        let scope = body["directoryScopeId"]?.stringValue ?? "/"
        guard isLive(principal) else { throw GraphError.notFound(principal) }
        guard entity(.unifiedRoleDefinition, definition) != nil else { throw GraphError.notFound(definition) }
        if scope.hasPrefix("/administrativeUnits/"), entity(.administrativeUnit, String(scope.dropFirst(21))) == nil {
            throw GraphError.notFound(scope)
        }
        let exists = !collection(.unifiedRoleAssignment).all(where: {
            $0.object["principalId"]?.stringValue?.lowercased() == principal.lowercased()
                && $0.object["roleDefinitionId"]?.stringValue?.lowercased() == definition.lowercased()
                && $0.object["directoryScopeId"]?.stringValue == scope
        }).isEmpty
        if exists {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue",
                             message: "A conflicting object with one or more of the specified property values is present in the directory.")
        }
        return assignRole(principal: principal, roleDefinition: definition, scope: scope)
    }

    mutating func createGrant(_ body: JSONObject) throws -> Entity {
        try requireProperties(body, type: .oAuth2PermissionGrant)
        let client = body["clientId"]?.stringValue ?? ""
        let resource = body["resourceId"]?.stringValue ?? ""
        let consent = body["consentType"]?.stringValue ?? ""
        let principal = body["principalId"]?.stringValue
        guard consent == "AllPrincipals" || consent == "Principal" else {
            throw GraphError.badRequest("Invalid value specified for property 'consentType'.")
        }
        if consent == "Principal" && (principal == nil || principal?.isEmpty == true) {
            throw GraphError.badRequest("Property 'principalId' is required when consentType is Principal.")
        }
        guard entity(.servicePrincipal, client) != nil else { throw GraphError.notFound(client) }
        guard entity(.servicePrincipal, resource) != nil else { throw GraphError.notFound(resource) }
        if let principal, consent == "Principal", entity(.user, principal) == nil { throw GraphError.notFound(principal) }
        let id = ObjectTemplates.compositeId([client, resource] + (consent == "Principal" ? [principal ?? ""] : []))
        if entity(.oAuth2PermissionGrant, id) != nil {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue", message: "Permission entry already exists.")
        }
        return insert(.oAuth2PermissionGrant, [
            "@odata.id": .string("https://graph.microsoft.com/v2/\(tenantId)/oauth2PermissionGrants/\(id)"),
            "clientId": .string(client),
            "consentType": .string(consent),
            "id": .string(id),
            "principalId": consent == "Principal" ? .string(principal) : .null,
            "resourceId": .string(resource),
            "scope": body["scope"] ?? "",
        ])
    }

    mutating func createFederatedCredential(_ body: JSONObject, application: String) throws -> Entity {
        try requireProperties(body, type: .federatedIdentityCredential)
        let name = body["name"]?.stringValue ?? ""
        guard name.count <= 120, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_".contains($0) }) else {
            throw GraphError.badRequest("The 'name' of a federated identity credential is at most 120 URL-friendly characters.")
        }
        guard body["audiences"]?.arrayValue?.count == 1 else {
            throw GraphError.badRequest("A federated identity credential has exactly one audience.")
        }
        let existing = collection(.federatedIdentityCredential, parent: application).elements
        if existing.contains(where: { $0.object["name"]?.stringValue == name }) {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue",
                             message: "FederatedIdentityCredential with name \(name) already exists.")
        }
        if existing.contains(where: { $0.object["issuer"] == body["issuer"] && $0.object["subject"] == body["subject"] }) {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue",
                             message: "FederatedIdentityCredential with the same issuer and subject already exists.")
        }
        var object = ObjectTemplates.blank(.federatedIdentityCredential)
        for member in body { object[member.key] = member.value }
        object["id"] = .string(newId())
        return insert(.federatedIdentityCredential, object, parent: application)
    }

    mutating func createExtensionProperty(_ body: JSONObject, application: String) throws -> Entity {
        try requireProperties(body, type: .extensionProperty)
        guard let app = entity(.application, application), let appId = app.object["appId"]?.stringValue else {
            throw GraphError.notFound(application)
        }
        let short = body["name"]?.stringValue ?? ""
        let name = "extension_\(appId.replacingOccurrences(of: "-", with: ""))_\(short)"
        if collection(.extensionProperty, parent: application).elements.contains(where: { $0.object["name"]?.stringValue == name }) {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue",
                             message: "An extension property with the name \(name) already exists.")
        }
        return insert(.extensionProperty, [
            "id": .string(newId()),
            "deletedDateTime": .null,
            "appDisplayName": app.object["displayName"] ?? .null,
            "dataType": body["dataType"] ?? "String",
            "isMultiValued": body["isMultiValued"] ?? false,
            "isSyncedFromOnPremises": false,
            "name": .string(name),
            "targetObjects": body["targetObjects"] ?? [],
        ], parent: application)
    }

    /// Only phone, email and temporary access pass methods can be created (and so restored).
    mutating func createAuthenticationMethod(_ body: JSONObject, user: String, set: String, now: Date) throws -> (Entity, JSONObject?) {
        let existing = collection(.authenticationMethod, parent: user).elements
        switch set {
        case "phoneMethods":
            guard let number = body["phoneNumber"]?.stringValue, let phoneType = body["phoneType"]?.stringValue else {
                throw GraphError(status: 400, code: "badRequest", message: "phoneNumber and phoneType are required.")
            }
            let id: String
            switch phoneType {
            case "mobile": id = WellKnown.mobilePhoneMethodId
            case "alternateMobile": id = WellKnown.alternateMobilePhoneMethodId
            case "office": id = WellKnown.officePhoneMethodId
            default: throw GraphError(status: 400, code: "badRequest", message: "Invalid phoneType '\(phoneType)'.")
            }
            if existing.contains(where: { $0.id == id }) {
                throw GraphError(status: 409, code: "conflict", message: "A phone method of type \(phoneType) already exists.")
            }
            return (insert(.authenticationMethod, [
                "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
                "id": .string(id),
                "phoneNumber": .string(number),
                "phoneType": .string(phoneType),
                "smsSignInState": "notEnabled",
            ], parent: user), nil)
        case "emailMethods":
            guard let address = body["emailAddress"]?.stringValue else {
                throw GraphError(status: 400, code: "badRequest", message: "emailAddress is required.")
            }
            if existing.contains(where: { $0.id == WellKnown.emailMethodId }) {
                throw GraphError(status: 409, code: "conflict", message: "An email method already exists.")
            }
            return (insert(.authenticationMethod, [
                "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
                "id": .string(WellKnown.emailMethodId),
                "emailAddress": .string(address),
            ], parent: user), nil)
        case "temporaryAccessPassMethods":
            let lifetime = body["lifetimeInMinutes"]?.intValue ?? 60
            let pass = random.string(8, alphabet: "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!@#$%")
            let entity = insert(.authenticationMethod, [
                "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
                "id": .string(newId()),
                "temporaryAccessPass": .null,
                "createdDateTime": .string(Timestamp.format(now)),
                "startDateTime": body["startDateTime"] ?? .string(Timestamp.format(now)),
                "lifetimeInMinutes": .int(lifetime),
                "isUsableOnce": body["isUsableOnce"] ?? false,
                "isUsable": true,
                "methodUsabilityReason": "EnabledByPolicy",
            ], parent: user)
            // The pass itself is shown once, in the create response.
            return (entity, ["temporaryAccessPass": .string(pass)])
        default:
            throw GraphError(status: 405, code: "Request_BadRequest",
                             message: "Authentication methods of this type cannot be created through Microsoft Graph (\(set)).")
        }
    }

    /// Deletes an object as Entra does: soft for users, Microsoft 365 groups, applications (with
    /// their service principal), service principals, administrative units, conditional access
    /// policies and named locations; for good otherwise.
    mutating func delete(_ type: ResourceType, _ existing: Entity, parent: String?, actor: Actor, now: Date, fromGraph: Bool) throws {
        switch type {
        case .unifiedRoleDefinition where existing.object["isBuiltIn"]?.boolValue == true:
            throw GraphError.badRequest("Built-in role definitions cannot be deleted.")
        case .authenticationMethod where existing.object["@odata.type"]?.stringValue == "#microsoft.graph.passwordAuthenticationMethod":
            throw GraphError(status: 400, code: "badRequest", message: "The password method cannot be deleted.")
        case .namedLocation where fromGraph:
            let referenced = collection(.conditionalAccessPolicy).elements.contains { policy in
                let locations = policy.object["conditions"]?["locations"]
                return (locations?["includeLocations"]?.stringArray ?? []).contains(existing.id)
                    || (locations?["excludeLocations"]?.stringArray ?? []).contains(existing.id)
            }
            if referenced {
                throw GraphError(status: 400, code: "BadRequest",
                                 message: "The named location is referenced by one or more conditional access policies and cannot be deleted.")
            }
        default:
            break
        }
        let target = changeTarget(type, existing, parent: parent)
        let service = Self.auditService(type)
        let soft: Bool
        switch type {
        case .user, .application, .servicePrincipal, .administrativeUnit, .conditionalAccessPolicy, .namedLocation:
            soft = true
        case .group:
            soft = existing.object["groupTypes"]?.stringArray.contains("Unified") == true
        default:
            soft = false
        }
        if soft {
            softDelete(type, existing.id, at: now)
            if type == .application, let appId = existing.object["appId"]?.stringValue, let sp = servicePrincipalId(appId: appId),
               let spEntity = entity(.servicePrincipal, sp) {
                let spTarget = auditTarget(.servicePrincipal, spEntity)
                softDelete(.servicePrincipal, sp, at: now)
                audit(activity: "Delete service principal", category: "ApplicationManagement", operationType: "Delete",
                      actor: actor, targets: [spTarget], at: now)
            }
        } else if type == .unifiedRoleAssignment {
            unassignRole(existing)
        } else if type == .internalDomainFederation, let domain = parent {
            remove(type, existing.id, parent: domain)
            update(.domain, domain) { $0["authenticationType"] = "Managed" }
        } else if type == .unifiedRoleDefinition {
            remove(type, existing.id)
            removeRoleSettings(roleDefinition: existing.id)
        } else {
            remove(type, existing.id, parent: parent)
        }
        audit(activity: GraphSimulator.activity("Delete", type), category: GraphSimulator.category(type), operationType: "Delete",
              actor: actor, targets: [target], at: now, loggedByService: service)
    }
}
