import Foundation

/// Creates, updates and deletes: server-assigned ids (and `appId`), required and read-only
/// properties checked as Graph does, `members@odata.bind` / `owners@odata.bind` (at most 20, all
/// or nothing), soft deletion for the types Entra keeps in deleted items.
extension GraphSimulator {
    static let bindLimit = 20

    /// Properties a create or update may carry beyond the schema.
    private static func isAnnotation(_ key: String) -> Bool {
        key == "@odata.type" || key.hasSuffix("@odata.bind") || key == "@odata.context" || key == "@odata.id"
    }

    /// Rejects unknown properties and read-only ones that would change a value. Read-only
    /// properties sent as null, or with the value they already have, are ignored, so a restore
    /// can send back an object as it read it.
    func checkWritable(_ body: JSONObject, type: ResourceType, existing: JSONObject?) throws {
        for member in body where !Self.isAnnotation(member.key) {
            if type != .authenticationMethod && type != .namedLocation && !type.isKnownProperty(member.key) {
                throw GraphError.badRequest("Property '\(member.key)' does not exist as a declared property or extension property.")
            }
            guard type.readOnly.contains(member.key) else { continue }
            if member.value.isNull { continue }
            if let existing, existing[member.key] == member.value { continue }
            if member.key == "passwordCredentials", member.value.arrayValue?.isEmpty == true { continue }
            if member.key == "id" && existing == nil && type == .domain { continue }
            throw GraphError.readOnlyProperty(member.key)
        }
    }

    /// Ids from `name@odata.bind` (an array of URLs).
    func bindings(_ body: JSONObject, _ name: String) throws -> [String] {
        guard let value = body[name + "@odata.bind"] else { return [] }
        guard case .array(let urls) = value else {
            throw GraphError.badRequest("'\(name)@odata.bind' must be an array of URLs.")
        }
        return try urls.map { url in
            guard let text = url.stringValue else { throw GraphError.badRequest("'\(name)@odata.bind' must be an array of URLs.") }
            return Self.referencedId(text)
        }
    }

    /// Body members that become the object's properties.
    private func properties(of body: JSONObject) -> JSONObject {
        body.filter { !Self.isAnnotation($0) || $0 == "@odata.type" }
    }

    func createEntity(_ type: ResourceType, parent: ParentReference?, _ context: GraphContext) throws -> GraphResponse {
        try context.require(type.write)
        guard type.write != .none || type == .directoryAudit else { throw GraphError.methodNotAllowed }
        if [.directoryAudit, .subscribedSku, .organization, .directoryRoleTemplate, .groupSettingTemplate,
            .synchronizationJob, .onPremisesDirectorySynchronization, .directoryRole,
            .identitySecurityDefaultsEnforcementPolicy, .adminConsentRequestPolicy, .multiTenantOrganization].contains(type)
            || ResourceType.privilegedAccess.contains(type) {
            throw GraphError.methodNotAllowed
        }
        let body = try requestObject(context)
        if type != .authenticationMethod && type != .organizationalBrandingLocalization && !ResourceType.customSecurityAttributes.contains(type) {
            // An agreement's PDFs come in `files`, a navigation property.
            try checkWritable(type == .agreement ? JSONObject(body.members.filter { $0.key != "files" }) : body, type: type, existing: nil)
        }
        let members = try bindings(body, "members")
        let owners = try bindings(body, "owners")
        if members.count + owners.count > Self.bindLimit {
            throw GraphError.badRequest("The request has \(members.count + owners.count) references in members@odata.bind and owners@odata.bind; at most \(Self.bindLimit) are allowed.")
        }
        if type == .group, body["isAssignableToRole"]?.boolValue == true {
            try context.require(.any("RoleManagement.ReadWrite.Directory"))
        }
        let now = context.now
        let created: (Entity, ResourceType, String?, JSONObject?) = try context.tenant.withDirectory { directory in
            let parentId = try parent.map { try directory.requireParent($0) }
            var extra: JSONObject?
            let entity: Entity
            switch type {
            case .user: entity = try directory.createUser(properties(of: body), now: now)
            case .group: entity = try directory.createGroup(properties(of: body), members: members, owners: owners, now: now)
            case .application: entity = try directory.createApplication(properties(of: body), owners: owners, now: now)
            case .servicePrincipal: entity = try directory.createServicePrincipal(properties(of: body), owners: owners, now: now)
            case .conditionalAccessPolicy: entity = try directory.createConditionalAccessPolicy(properties(of: body), now: now)
            case .namedLocation: entity = try directory.createNamedLocation(body, now: now)
            case .unifiedRoleAssignment: entity = try directory.createRoleAssignment(body)
            case .oAuth2PermissionGrant: entity = try directory.createGrant(body)
            case .internalDomainFederation: entity = try directory.createDomainFederation(body, domain: parentId ?? "")
            case .identityProvider: entity = try directory.createIdentityProvider(body)
            case .agreement: entity = try directory.createAgreement(body)
            case .attributeSet: entity = try directory.createAttributeSet(body)
            case .customSecurityAttributeDefinition: entity = try directory.createAttributeDefinition(body)
            case .allowedValue: entity = try directory.createAllowedValue(body, definition: parentId ?? "")
            case .organizationalBrandingLocalization: entity = try directory.createBrandingLocalization(body, organization: parentId ?? "")
            case .delegatedPermissionClassification:
                entity = try directory.createDelegatedPermissionClassification(body, servicePrincipal: parentId ?? "")
            case .federatedIdentityCredential: entity = try directory.createFederatedCredential(body, application: parentId ?? "")
            case .extensionProperty: entity = try directory.createExtensionProperty(body, application: parentId ?? "")
            case .authenticationMethod:
                (entity, extra) = try directory.createAuthenticationMethod(body, user: parentId ?? "",
                                                                          set: Self.methodSet(context.request), now: now)
            case .crossTenantAccessPolicyConfigurationPartner:
                guard let tenantId = body["tenantId"]?.stringValue else {
                    throw GraphError.badRequest("Property 'tenantId' is required when creating the object.")
                }
                if directory.entity(type, tenantId) != nil {
                    throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue",
                                     message: "A configuration for tenant '\(tenantId)' already exists.")
                }
                var object = ObjectTemplates.blank(type)
                object = ObjectTemplates.merged(object, properties(of: body))
                object["isInMultiTenantOrganization"] = false
                entity = directory.insert(type, object, key: tenantId)
            default:
                try directory.requireProperties(body, type: type)
                var object = ObjectTemplates.blank(type)
                object = ObjectTemplates.merged(object, properties(of: body))
                if type == .domain {
                    guard let name = body["id"]?.stringValue?.lowercased(), name.contains(".") else {
                        throw GraphError.badRequest("Property 'id' must be a domain name.")
                    }
                    if directory.entity(.domain, name) != nil {
                        throw GraphError.badRequest("Domain \(name) already exists in this tenant.")
                    }
                    object["id"] = .string(name)
                    object["isVerified"] = false
                    object["isInitial"] = false
                    object["isDefault"] = false
                    object["isRoot"] = true
                    object["isAdminManaged"] = true
                    object["authenticationType"] = "Managed"
                    object["supportedServices"] = []
                } else {
                    object["id"] = .string(directory.newId())
                }
                if type == .administrativeUnit || type == .device || TenantDirectory.stsPolicyTypes.contains(type) {
                    object["deletedDateTime"] = .null
                }
                if TenantDirectory.stsPolicyTypes.contains(type) {
                    if object["isOrganizationDefault"]?.isNull != false { object["isOrganizationDefault"] = false }
                    try directory.requireSingleOrganizationDefault(type, object, replacing: nil)
                }
                if type == .groupSetting, let template = body["templateId"]?.stringValue,
                   let definition = directory.entity(.groupSettingTemplate, template) {
                    object["displayName"] = definition.object["displayName"] ?? .null
                }
                entity = directory.insert(type, object, parent: parentId)
                if type == .unifiedRoleDefinition {
                    // Entra gives every new role its PIM settings.
                    directory.addRoleSettings(roleDefinition: entity.id, policyId: "DirectoryRole_\(directory.tenantId)_\(directory.newId())",
                                              modifiedBy: nil, at: nil)
                }
            }
            directory.audit(activity: Self.activity("Add", type), category: Self.category(type), operationType: "Add",
                            actor: context.actor, targets: [directory.changeTarget(type, entity, parent: parentId)], at: now,
                            loggedByService: TenantDirectory.auditService(type))
            return (entity, type, parentId, extra)
        }
        let (entity, _, parentId, extra) = created
        var object = JSONObject()
        object.append("@odata.context", .string(context.contextURL(entitySetPath(type, parentId: parentId) + "/$entity")))
        let shown = type.defaultProperties.map { Projection(keys: $0).apply(to: entity.object) } ?? entity.object
        for member in shown { object.append(member.key, member.value) }
        for member in extra ?? [:] { object[member.key] = member.value }
        return .json(201, object)
    }

    /// `phoneMethods` in `/users/{id}/authentication/phoneMethods`.
    static func methodSet(_ request: GraphRequest) -> String {
        guard let index = request.segments.firstIndex(of: "authentication"), index + 1 < request.segments.count else {
            return "methods"
        }
        return request.segments[index + 1]
    }

    func updateEntity(_ type: ResourceType, key: EntityKey, parent: ParentReference?, _ context: GraphContext) throws -> GraphResponse {
        let body = try requestObject(context)
        let attributes = type == .user || type == .servicePrincipal ? body["customSecurityAttributes"] : nil
        if attributes != nil {
            // Custom security attribute values need their own permission; alone, reading the object is enough besides.
            try context.require(ResourceType.attributeAssignmentWrite)
            try context.require(body.members.count == 1 ? type.read : type.write)
        } else {
            try context.require(type.write)
        }
        if [.directoryAudit, .subscribedSku, .directoryRoleTemplate, .groupSettingTemplate, .directoryRole,
            .unifiedRoleManagementPolicy, .unifiedRoleManagementPolicyAssignment].contains(type) {
            throw GraphError.methodNotAllowed
        }
        let members = try bindings(body, "members")
        let owners = try bindings(body, "owners")
        if members.count > Self.bindLimit || owners.count > Self.bindLimit {
            throw GraphError.badRequest("A request can add at most \(Self.bindLimit) members or owners with @odata.bind.")
        }
        let now = context.now
        try context.tenant.withDirectory { directory in
            let parentId = try parent.map { try directory.requireParent($0) }
            let existing = try directory.require(type, key, parent: parentId)
            try checkWritable(body, type: type, existing: existing.object)
            if type == .group, let assignable = body["isAssignableToRole"], assignable != (existing.object["isAssignableToRole"] ?? .null),
               !assignable.isNull {
                throw GraphError.badRequest("Property 'isAssignableToRole' can only be set when the group is created.")
            }
            if type == .unifiedRoleDefinition, existing.object["isBuiltIn"]?.boolValue == true {
                throw GraphError.badRequest("Built-in role definitions cannot be modified.")
            }
            // All or nothing: every bound object must exist and be new before anything changes.
            for id in members {
                guard directory.isLive(id) else { throw GraphError.notFound(id) }
                if directory.memberships.contains(existing.id, id) { throw GraphError.badRequest(TenantDirectory.duplicateMembers) }
            }
            for id in owners {
                guard directory.isLive(id) else { throw GraphError.notFound(id) }
                if directory.owners.contains(existing.id, id) { throw GraphError.badRequest(TenantDirectory.duplicateOwners) }
            }
            if !members.isEmpty, existing.object["groupTypes"]?.stringArray.contains("DynamicMembership") == true {
                throw GraphError.badRequest("Insufficient privileges to complete the operation: members of a group with dynamic membership cannot be added or removed.")
            }
            let changes = properties(of: body).filter { member in
                guard type.readOnly.contains(member) else { return member != "customSecurityAttributes" }
                return false
            }
            var modified: [(String, JSONValue, JSONValue)] = []
            var updated = existing.object
            for member in changes where member.key != "@odata.type" {
                if member.key == "passwordProfile" {
                    updated["lastPasswordChangeDateTime"] = .string(Timestamp.format(now))
                    modified.append(("PasswordProfile", .null, .null))
                    continue
                }
                let old = updated[member.key] ?? .null
                if old != member.value { modified.append((member.key, old, member.value)) }
                updated[member.key] = member.value
            }
            if let attributes {
                let merged = try directory.mergedSecurityAttributes(updated["customSecurityAttributes"], attributes)
                if merged != (updated["customSecurityAttributes"] ?? .object([:])) {
                    modified.append(("CustomSecurityAttributes", .null, .null))
                }
                updated["customSecurityAttributes"] = merged.objectValue?.members.isEmpty == true ? nil : merged
            }
            if type == .conditionalAccessPolicy || type == .namedLocation {
                updated["modifiedDateTime"] = .string(Timestamp.formatPrecise(now))
            }
            if type == .conditionalAccessPolicy { updated = try directory.checkedConditionalAccessReferences(updated) }
            if type == .user, let mail = changes["mail"]?.stringValue {
                updated["proxyAddresses"] = .array([.string("SMTP:\(mail)")])
            }
            if type == .authenticationMethodsPolicy {
                updated["lastModifiedDateTime"] = .string(Timestamp.formatPrecise(now))
            }
            if type == .unifiedRoleManagementPolicyRule, let policy = parentId {
                directory.update(.unifiedRoleManagementPolicy, policy) { object in
                    object["lastModifiedDateTime"] = .string(Timestamp.formatPrecise(now))
                    object["lastModifiedBy"] = ["displayName": .string(context.caller.displayName), "id": .string(context.caller.servicePrincipalId)]
                }
            }
            if TenantDirectory.stsPolicyTypes.contains(type) {
                try directory.requireSingleOrganizationDefault(type, updated, replacing: existing.id)
            }
            let entity = directory.replace(type, existing.id, with: updated, parent: parentId) ?? existing
            for id in members { directory.addMember(id, to: existing.id) }
            for id in owners { directory.owners.add(existing.id, id) }
            directory.audit(activity: Self.activity("Update", type), category: Self.category(type), operationType: "Update",
                            actor: context.actor, targets: [directory.changeTarget(type, entity, parent: parentId, modified: modified)],
                            at: now, loggedByService: TenantDirectory.auditService(type))
        }
        return .noContent()
    }

    func deleteEntity(_ type: ResourceType, key: EntityKey, parent: ParentReference?, _ context: GraphContext) throws -> GraphResponse {
        try context.require(type.write)
        if [.directoryAudit, .subscribedSku, .organization, .directoryRoleTemplate, .groupSettingTemplate, .directoryRole,
            .authorizationPolicy, .authenticationMethodsPolicy, .crossTenantAccessPolicy,
            .crossTenantAccessPolicyConfigurationDefault, .onPremisesDirectorySynchronization,
            .identitySecurityDefaultsEnforcementPolicy, .adminConsentRequestPolicy, .multiTenantOrganization].contains(type)
            || ResourceType.privilegedAccess.contains(type) || ResourceType.customSecurityAttributes.contains(type) {
            // Attribute sets, definitions and predefined values are deactivated, never deleted.
            throw GraphError.methodNotAllowed
        }
        let now = context.now
        try context.tenant.withDirectory { directory in
            let parentId = try parent.map { try directory.requireParent($0) }
            let existing = try directory.require(type, key, parent: parentId)
            if type == .organizationalBrandingLocalization, existing.id == "0",
               directory.collection(type, parent: parentId).count > 1 {
                throw GraphError.badRequest("The default branding cannot be deleted while a locale has branding.")
            }
            try directory.delete(type, existing, parent: parentId, actor: context.actor, now: now, fromGraph: true)
        }
        return .noContent()
    }

    func performAction(_ action: GraphAction, owner: ResourceType, key: EntityKey, _ context: GraphContext) throws -> GraphResponse {
        try context.require(owner.write)
        let body = context.request.body.isEmpty ? JSONObject() : try requestObject(context)
        let now = context.now
        switch action {
        case .addPassword:
            let credential = body["passwordCredential"]?.objectValue ?? [:]
            let value = AppRegistration.newSecretValue()
            let keyId = context.tenant.withDirectory { $0.newId() }
            let end = credential["endDateTime"]?.stringValue.flatMap(Timestamp.parse) ?? now.addingTimeInterval(2 * 365 * 86_400)
            let start = credential["startDateTime"]?.stringValue.flatMap(Timestamp.parse) ?? now
            let stored: JSONObject = [
                "customKeyIdentifier": .null,
                "displayName": credential["displayName"] ?? .null,
                "endDateTime": .string(Timestamp.format(end)),
                "hint": .string(String(value.prefix(3))),
                "keyId": .string(keyId),
                "secretText": .null,
                "startDateTime": .string(Timestamp.format(start)),
            ]
            let appId: String = try context.tenant.withDirectory { directory in
                let entity = try directory.require(owner, key)
                let updated = directory.update(owner, entity.id) { object in
                    object["passwordCredentials"] = .array((object["passwordCredentials"]?.arrayValue ?? []) + [.object(stored)])
                } ?? entity
                directory.audit(activity: "Update application – Certificates and secrets management ",
                                category: "ApplicationManagement", operationType: "Update", actor: context.actor,
                                targets: [directory.auditTarget(owner, updated)], at: now)
                return entity.object["appId"]?.stringValue ?? ""
            }
            // A secret added through Graph works at the token endpoint like one added by an admin.
            appTable.withLockedValue { table in
                table[appId.lowercased()]?.secrets.append(AppRegistration.Secret(
                    keyId: keyId, displayName: credential["displayName"]?.stringValue ?? "", hint: String(value.prefix(3)),
                    digest: AppRegistration.digest(value), startDateTime: start, endDateTime: end))
            }
            var response = stored
            response["secretText"] = .string(value)
            var object = JSONObject()
            object.append("@odata.context", .string(context.contextURL("microsoft.graph.passwordCredential")))
            for member in response { object.append(member.key, member.value) }
            return .json(200, object)
        case .removePassword, .removeKey:
            guard let keyId = body["keyId"]?.stringValue else { throw GraphError.badRequest("Property 'keyId' is required.") }
            let property = action == .removePassword ? "passwordCredentials" : "keyCredentials"
            let appId: String = try context.tenant.withDirectory { directory in
                let entity = try directory.require(owner, key)
                let credentials = entity.object[property]?.arrayValue ?? []
                guard credentials.contains(where: { $0["keyId"]?.stringValue?.lowercased() == keyId.lowercased() }) else {
                    throw GraphError.badRequest("No credential with keyId '\(keyId)' was found.")
                }
                let updated = directory.update(owner, entity.id) { object in
                    object[property] = .array(credentials.filter { $0["keyId"]?.stringValue?.lowercased() != keyId.lowercased() })
                } ?? entity
                directory.audit(activity: "Update application – Certificates and secrets management ",
                                category: "ApplicationManagement", operationType: "Update", actor: context.actor,
                                targets: [directory.auditTarget(owner, updated)], at: now)
                return entity.object["appId"]?.stringValue ?? ""
            }
            appTable.withLockedValue { table in
                table[appId.lowercased()]?.secrets.removeAll { $0.keyId.lowercased() == keyId.lowercased() }
                table[appId.lowercased()]?.certificates.removeAll { $0.keyId.lowercased() == keyId.lowercased() }
            }
            return .noContent()
        case .addKey:
            throw GraphError(status: 501, code: "NotImplemented", message: "addKey is not supported by graph-sim; PATCH keyCredentials instead.")
        }
    }

    static func activity(_ verb: String, _ type: ResourceType) -> String {
        switch type {
        case .user: return "\(verb) user"
        case .group: return "\(verb) group"
        case .application: return "\(verb) application"
        case .servicePrincipal: return "\(verb) service principal"
        case .device: return "\(verb) device"
        case .administrativeUnit: return "\(verb) administrative unit"
        case .conditionalAccessPolicy: return "\(verb) conditional access policy"
        case .namedLocation: return "\(verb) named location"
        case .unifiedRoleAssignment: return verb == "Add" ? "Add member to role" : "Remove member from role"
        case .unifiedRoleDefinition: return "\(verb) role definition"
        case .oAuth2PermissionGrant: return verb == "Add" ? "Add delegated permission grant" : "\(verb) delegated permission grant"
        case .federatedIdentityCredential, .extensionProperty: return "Update application"
        case .authenticationMethod:
            return verb == "Add" ? "User registered security info" : verb == "Update" ? "User changed security info" : "User deleted security info"
        case .authorizationPolicy: return "Update authorization policy"
        case .domain: return "\(verb) domain"
        case .unifiedRoleManagementPolicyRule: return "Update role setting in PIM"
        default: return "\(verb) policy"
        }
    }

    static func category(_ type: ResourceType) -> String {
        switch type {
        case .user, .authenticationMethod: return "UserManagement"
        case .group, .groupSetting, .groupLifecyclePolicy: return "GroupManagement"
        case .application, .servicePrincipal, .federatedIdentityCredential, .extensionProperty, .oAuth2PermissionGrant,
             .appRoleAssignment:
            return "ApplicationManagement"
        case .device: return "Device"
        case .administrativeUnit, .scopedRoleMembership: return "AdministrativeUnit"
        case .unifiedRoleAssignment, .unifiedRoleDefinition, .directoryRole, .unifiedRoleManagementPolicyRule: return "RoleManagement"
        case .domain, .organization: return "DirectoryManagement"
        default: return "Policy"
        }
    }
}
