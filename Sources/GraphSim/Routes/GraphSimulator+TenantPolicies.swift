import Foundation

/// Permission grant (consent) policies with their condition sets, and the per-partner
/// cross-tenant identity synchronization policy.
extension GraphSimulator {
    /// Graph's defaults for a condition set's properties the request leaves out.
    static let conditionSetDefaults: JSONObject = [
        "permissionClassification": "all", "permissionType": "delegated", "resourceApplication": "any",
        "permissions": ["all"], "clientApplicationIds": ["all"], "clientApplicationTenantIds": ["all"],
        "clientApplicationPublisherIds": ["all"], "clientApplicationsFromVerifiedPublisherOnly": false,
        "certifiedClientApplicationsOnly": false,
    ]

    func permissionGrantPolicies(_ path: [String], _ context: GraphContext) throws -> GraphResponse {
        let type = ResourceType.permissionGrantPolicy
        let method = context.request.method
        try context.require(method == "GET" ? type.read : type.write)
        let now = context.now
        func editable(_ id: String, _ directory: TenantDirectory) throws -> Entity {
            guard let policy = directory.entity(type, id) else { throw GraphError.notFound(id) }
            if id.lowercased().hasPrefix("microsoft-") {
                throw GraphError.badRequest("Built-in permission grant policies cannot be changed.")
            }
            return policy
        }
        switch (path.count, method) {
        case (0, "GET"):
            let query = try ODataQuery(context.request)
            try query.validate(for: type)
            let items = context.tenant.withDirectory { directory in
                directory.collection(type).elements.map(\.object).filter { query.filter?.matches($0) ?? true }
            }
            var writer = CollectionWriter(context: context.contextURL(type.entitySet))
            var projection = query.projection(for: type)
            for item in items { writer.appendItem { projection.write(EncodedObject(item), into: &$0) } }
            return .json(200, writer.finish())
        case (0, "POST"):
            let body = try requestObject(context)
            try checkWritable(body, type: type, existing: nil)
            guard let id = body["id"]?.stringValue, !id.isEmpty else { throw GraphError.badRequest("Property 'id' is required.") }
            if id.lowercased().hasPrefix("microsoft-") {
                throw GraphError.badRequest("Ids starting with 'microsoft-' are reserved for built-in policies.")
            }
            let created: JSONObject = try context.tenant.withDirectory { directory in
                if directory.entity(type, id) != nil {
                    throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue",
                                     message: "A permission grant policy with id '\(id)' already exists.")
                }
                let policy = directory.insert(type, [
                    "id": .string(id), "deletedDateTime": .null, "description": body["description"] ?? .null,
                    "displayName": body["displayName"] ?? .null, "includes": [], "excludes": [],
                ])
                directory.audit(activity: "Add permission grant policy", category: "Policy", operationType: "Add",
                                actor: context.actor, targets: [directory.auditTarget(type, policy)], at: now)
                return policy.object
            }
            var object: JSONObject = ["@odata.context": .string(context.contextURL(type.entitySet + "/$entity"))]
            for member in created { object.append(member.key, member.value) }
            return .json(201, object)
        case (1, "GET"):
            let query = try ODataQuery(context.request)
            let policy: Entity = try context.tenant.withDirectory { directory in
                guard let policy = directory.entity(type, path[0]) else { throw GraphError.notFound(path[0]) }
                return policy
            }
            return single(policy.encoded, type: type, parentId: nil, query: query, context)
        case (1, "PATCH"):
            let body = try requestObject(context)
            try context.tenant.withDirectory { directory in
                let policy = try editable(path[0], directory)
                try checkWritable(body, type: type, existing: policy.object)
                let updated = directory.update(type, policy.id) { object in
                    for name in ["displayName", "description"] where body[name] != nil { object[name] = body[name] }
                } ?? policy
                directory.audit(activity: "Update permission grant policy", category: "Policy", operationType: "Update",
                                actor: context.actor, targets: [directory.auditTarget(type, updated)], at: now)
            }
            return .noContent()
        case (1, "DELETE"):
            try context.tenant.withDirectory { directory in
                let policy = try editable(path[0], directory)
                directory.remove(type, policy.id)
                directory.audit(activity: "Delete permission grant policy", category: "Policy", operationType: "Delete",
                                actor: context.actor, targets: [directory.auditTarget(type, policy)], at: now)
            }
            return .noContent()
        case (2, _), (3, _):
            let set = path[1]
            guard set == "includes" || set == "excludes" else { throw GraphError.segmentNotFound(set) }
            let entitySet = "policies/permissionGrantPolicies('\(path[0])')/\(set)"
            switch (path.count, method) {
            case (2, "GET"):
                let items: [JSONValue] = try context.tenant.withDirectory { directory in
                    guard let policy = directory.entity(type, path[0]) else { throw GraphError.notFound(path[0]) }
                    return policy.object[set]?.arrayValue ?? []
                }
                var writer = CollectionWriter(context: context.contextURL(entitySet))
                var projection = Projection.all
                for item in items { writer.appendItem { projection.write(EncodedObject(item.objectValue ?? [:]), into: &$0) } }
                return .json(200, writer.finish())
            case (2, "POST"):
                let body = try requestObject(context)
                let created: JSONObject = try context.tenant.withDirectory { directory in
                    let policy = try editable(path[0], directory)
                    var condition = Self.conditionSetDefaults
                    for member in body where member.key != "id" && !member.key.hasPrefix("@") {
                        guard condition[member.key] != nil else {
                            throw GraphError.badRequest("Property '\(member.key)' does not exist on permissionGrantConditionSet.")
                        }
                        condition[member.key] = member.value
                    }
                    var ordered: JSONObject = ["id": .string(directory.newId())]
                    for member in condition { ordered.append(member.key, member.value) }
                    directory.update(type, policy.id) { object in
                        object[set] = .array((object[set]?.arrayValue ?? []) + [.object(ordered)])
                    }
                    directory.audit(activity: "Update permission grant policy", category: "Policy", operationType: "Update",
                                    actor: context.actor, targets: [directory.auditTarget(type, policy)], at: now)
                    return ordered
                }
                var object: JSONObject = ["@odata.context": .string(context.contextURL(entitySet + "/$entity"))]
                for member in created { object.append(member.key, member.value) }
                return .json(201, object)
            case (3, "DELETE"):
                try context.tenant.withDirectory { directory in
                    let policy = try editable(path[0], directory)
                    let conditions = policy.object[set]?.arrayValue ?? []
                    guard conditions.contains(where: { $0["id"]?.stringValue == path[2] }) else { throw GraphError.notFound(path[2]) }
                    directory.update(type, policy.id) { object in
                        object[set] = .array(conditions.filter { $0["id"]?.stringValue != path[2] })
                    }
                    directory.audit(activity: "Update permission grant policy", category: "Policy", operationType: "Update",
                                    actor: context.actor, targets: [directory.auditTarget(type, policy)], at: now)
                }
                return .noContent()
            default:
                throw GraphError.methodNotAllowed
            }
        default:
            throw GraphError.methodNotAllowed
        }
    }

    /// `…/partners/{tenantId}/identitySynchronization`: 404 until a `PUT` creates it.
    func identitySynchronization(partner: EntityKey, _ context: GraphContext) throws -> GraphResponse {
        let type = ResourceType.crossTenantIdentitySyncPolicyPartner
        let method = context.request.method
        try context.require(method == "GET" ? type.read : type.write)
        let now = context.now
        let key = "identitySynchronization"
        switch method {
        case "GET":
            let query = try ODataQuery(context.request)
            let (policy, tenantId): (Entity, String) = try context.tenant.withDirectory { directory in
                let partner = try directory.require(.crossTenantAccessPolicyConfigurationPartner, partner)
                guard let policy = directory.entity(type, key, parent: partner.id) else { throw GraphError.notFound(key) }
                return (policy, partner.id)
            }
            return single(policy.encoded, type: type, parentId: tenantId, query: query, context)
        case "PUT", "PATCH":
            let body = try requestObject(context)
            try context.tenant.withDirectory { directory in
                let partner = try directory.require(.crossTenantAccessPolicyConfigurationPartner, partner)
                let existing = directory.entity(type, key, parent: partner.id)
                if method == "PATCH" && existing == nil { throw GraphError.notFound(key) }
                try checkWritable(JSONObject(body.members.filter { $0.key != "tenantId" || $0.value.stringValue == partner.id }), type: type,
                                  existing: existing?.object)
                var object: JSONObject = method == "PUT" || existing == nil
                    ? ["tenantId": .string(partner.id), "displayName": .null, "userSyncInbound": .null]
                    : existing?.object ?? [:]
                for member in body where member.key != "tenantId" { object[member.key] = member.value }
                let stored = directory.insert(type, object, parent: partner.id, key: key)
                directory.audit(activity: existing == nil ? "Add a partner cross-tenant identity sync setting"
                                                          : "Update a partner cross-tenant identity sync setting",
                                category: "CrossTenantIdentitySyncSettings", operationType: existing == nil ? "Add" : "Update",
                                actor: context.actor, targets: [directory.auditTarget(type, stored)], at: now)
            }
            return .noContent()
        case "DELETE":
            try context.tenant.withDirectory { directory in
                let partner = try directory.require(.crossTenantAccessPolicyConfigurationPartner, partner)
                guard let removed = directory.remove(type, key, parent: partner.id) else { throw GraphError.notFound(key) }
                directory.audit(activity: "Delete a partner cross-tenant identity sync setting", category: "CrossTenantIdentitySyncSettings",
                                operationType: "Delete", actor: context.actor, targets: [directory.auditTarget(type, removed)], at: now)
            }
            return .noContent()
        default:
            throw GraphError.methodNotAllowed
        }
    }
}
