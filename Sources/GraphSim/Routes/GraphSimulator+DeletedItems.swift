import Foundation

/// `/directory/deletedItems` (users, Microsoft 365 groups, applications, service principals,
/// administrative units) and `/identity/conditionalAccess/deletedItems` (policies, named
/// locations): list with the mandatory type cast, get, restore with the same id, purge.
extension GraphSimulator {
    func listDeletedItems(_ type: ResourceType, _ context: GraphContext) throws -> GraphResponse {
        try context.require(type.read)
        let query = try ODataQuery(context.request)
        try checkQuery(query, for: type, context)
        if let order = query.orderBy, order.property == "deletedDateTime", !ODataQuery.isEventual(context.request) {
            throw GraphError.unsupportedQuery("Sorting by deletedDateTime requires the ConsistencyLevel header set to eventual and $count set to true.")
        }
        let include = try predicate(query)
        let (items, resume, count) = try context.tenant.withDirectory { directory in
            let result = try page(directory.deletedCollection(type), query: query, defaultSize: 100, include: include)
            return (result.items.map { directory.encodedDeleted(type, $0) }, result.resumeToken, result.count)
        }
        // Deleted items show when they were deleted, with or without a $select.
        var projection = query.select == nil && type.defaultProperties != nil
            ? Projection(keys: (type.defaultProperties ?? []) + ["deletedDateTime"]) : query.projection(for: type)
        let contextPath = type == .conditionalAccessPolicy ? "identity/conditionalAccess/deletedItems/policies"
            : (type == .namedLocation ? "identity/conditionalAccess/deletedItems/namedLocations" : type.entitySet)
        var writer = CollectionWriter(context: context.contextURL(contextPath + query.contextSelection), count: count,
                                      nextLink: resume.map { nextLink(context, token: $0) })
        for item in items {
            writer.appendItem { projection.write(item, into: &$0) }
        }
        return .json(200, writer.finish())
    }

    private func deletedItem(_ id: String, _ context: GraphContext, expected: ResourceType?) throws -> (ResourceType, Entity) {
        guard let (type, entity) = context.tenant.withDirectory({ $0.deletedEntity(id) }),
              expected == nil || expected == type,
              expected != nil || type.isDirectoryObject else {
            throw GraphError.notFound(id)
        }
        return (type, entity)
    }

    func getDeletedItem(_ id: String, _ context: GraphContext, expected: ResourceType? = nil) throws -> GraphResponse {
        let (type, entity) = try deletedItem(id, context, expected: expected)
        try context.require(type.read)
        let query = try ODataQuery(context.request)
        var projection = query.projection(for: type)
        var leading = CollectionWriter.contextAnnotation(context.contextURL(expected == nil ? "directory/deletedItems/$entity"
            : "identity/conditionalAccess/deletedItems/\(type == .namedLocation ? "namedLocations" : "policies")/$entity"))
        if expected == nil {
            leading.append(UInt8(ascii: ","))
            leading.append(contentsOf: CollectionWriter.typeAnnotation(type))
        }
        var bytes: [UInt8] = []
        projection.write(entity.encoded, leading: leading, into: &bytes)
        return .json(200, bytes)
    }

    func restoreDeletedItem(_ id: String, _ context: GraphContext, expected: ResourceType? = nil) throws -> GraphResponse {
        let (type, _) = try deletedItem(id, context, expected: expected)
        try context.require(type.write.or(.directoryWrite))
        let restored: Entity = try context.tenant.withDirectory { directory in
            if type == .user, let upn = directory.deletedEntity(id)?.entity.object["userPrincipalName"]?.stringValue?.lowercased(),
               !directory.collection(.user).all(where: { $0.object["userPrincipalName"]?.stringValue?.lowercased() == upn }).isEmpty {
                throw GraphError.badRequest("Another object with the same value for property userPrincipalName already exists.")
            }
            if type == .servicePrincipal, let appId = directory.deletedEntity(id)?.entity.object["appId"]?.stringValue,
               directory.servicePrincipalId(appId: appId) != nil {
                throw GraphError.badRequest("The service principal cannot be created, updated, or restored because the service principal name \(appId) is already in use.")
            }
            guard let (type, entity) = directory.restore(id) else { throw GraphError.notFound(id) }
            directory.audit(activity: Self.activity("Restore", type), category: Self.category(type), operationType: "Update",
                            actor: context.actor, targets: [directory.auditTarget(type, entity)], at: context.now,
                            loggedByService: expected == nil ? "Core Directory" : "Conditional Access")
            return entity
        }
        var object = JSONObject()
        object.append("@odata.context", .string(context.contextURL(expected == nil ? "directoryObjects/$entity" : "\(type.entitySet)/$entity")))
        if expected == nil { object.append("@odata.type", .string(type.odataType)) }
        for member in restored.object { object.append(member.key, member.value) }
        return .json(200, object)
    }

    func purgeDeletedItem(_ id: String, _ context: GraphContext, expected: ResourceType? = nil) throws -> GraphResponse {
        let (type, _) = try deletedItem(id, context, expected: expected)
        try context.require(type.write.or(.directoryWrite))
        try context.tenant.withDirectory { directory in
            guard let (type, entity) = directory.purge(id) else { throw GraphError.notFound(id) }
            directory.audit(activity: "Hard " + Self.activity("Delete", type),
                            category: Self.category(type), operationType: "Delete", actor: context.actor,
                            targets: [directory.auditTarget(type, entity)], at: context.now,
                            loggedByService: expected == nil ? "Core Directory" : "Conditional Access")
        }
        return .noContent()
    }
}
