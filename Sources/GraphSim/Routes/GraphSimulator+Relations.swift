import Foundation

/// Relationship endpoints: members, owners, memberOf, transitive closures, manager, direct
/// reports, app role assignments, policy assignments; and their `$ref` writes.
extension GraphSimulator {
    /// Permissions to read `relation` of an `owner`.
    func readRule(_ relation: Relation, owner: ResourceType) -> PermissionRule {
        switch relation {
        case .members, .transitiveMembers:
            return owner.read.or(.any("GroupMember.Read.All", "GroupMember.ReadWrite.All"))
        case .memberOf, .transitiveMemberOf:
            return owner.read.or(.any("GroupMember.Read.All"))
        case .appRoleAssignments, .appRoleAssignedTo:
            return owner.read.or(.any("AppRoleAssignment.ReadWrite.All"))
        case .oauth2PermissionGrants:
            return owner.read.or(ResourceType.oAuth2PermissionGrant.read)
        default:
            return owner.read
        }
    }

    /// Permissions to change `relation` of an `owner`.
    func writeRule(_ relation: Relation, owner: ResourceType) -> PermissionRule {
        switch (owner, relation) {
        case (.group, .members), (.group, .owners):
            return .any("GroupMember.ReadWrite.All", "Group.ReadWrite.All", "Directory.ReadWrite.All")
        case (.directoryRole, .members):
            return .any("RoleManagement.ReadWrite.Directory")
        case (.administrativeUnit, .members):
            return .any("AdministrativeUnit.ReadWrite.All", "Directory.ReadWrite.All")
        case (.user, .manager):
            return .any("User.ReadWrite.All", "Directory.ReadWrite.All")
        case (_, .appRoleAssignments), (_, .appRoleAssignedTo):
            return .any("AppRoleAssignment.ReadWrite.All")
        case (_, .claimsMappingPolicies), (_, .tokenLifetimePolicies), (_, .tokenIssuancePolicies),
             (_, .homeRealmDiscoveryPolicies), (_, .appManagementPolicies):
            return .any("Policy.ReadWrite.ApplicationConfiguration")
        default:
            return owner.write
        }
    }

    private enum RelationItems {
        /// Directory object ids in keyset-pageable order.
        case keyed(OrderedIndex<String>)
        /// Computed lists, paged by offset.
        case computed([String])
        /// App role assignments or delegated grants (entities, not directory objects).
        case entities([Entity], ResourceType)
    }

    func listRelation(
        _ relation: Relation,
        owner: ResourceType,
        key: EntityKey,
        cast: ResourceType?,
        countOnly: Bool,
        _ context: GraphContext
    ) throws -> GraphResponse {
        try context.require(readRule(relation, owner: owner))
        let query = try ODataQuery(context.request)
        let eventual = ODataQuery.isEventual(context.request)
        if countOnly && !eventual { throw GraphError.badRequest("$count is not currently supported.") }
        if query.count && !eventual { throw GraphError.badRequest("$count is not currently supported.") }
        if query.filter != nil && !eventual && relation != .appRoleAssignments && relation != .appRoleAssignedTo {
            throw GraphError.unsupportedQuery()
        }
        if let top = query.top, top > 999 {
            throw GraphError.badRequest("Invalid page size specified: '\(top)'. Must be between 1 and 999 inclusive.")
        }
        if relation == .manager {
            return try manager(owner: owner, key: key, query: query, context)
        }
        let unpaged = owner == .directoryRole
        let pageSize = unpaged ? Int.max : (query.top ?? 100)

        struct Item {
            var type: ResourceType?
            var encoded: EncodedObject
        }
        let (items, resume, count, ownerId): ([Item], String?, Int?, String) = try context.tenant.withDirectory { directory in
            let ownerEntity = try directory.require(owner, key)
            let ownerId = ownerEntity.id
            let source: RelationItems
            switch relation {
            case .members: source = .keyed(directory.memberships.targets(of: ownerId))
            case .owners: source = .keyed(directory.owners.targets(of: ownerId))
            case .memberOf: source = .computed(directory.memberships.sources(of: ownerId))
            case .directReports: source = .computed(directory.managers.sources(of: ownerId))
            case .registeredOwners: source = .keyed(directory.registeredOwners.targets(of: ownerId))
            case .ownedObjects: source = .computed(directory.owners.sources(of: ownerId))
            case .transitiveMembers: source = .computed(directory.transitiveMembers(of: ownerId))
            case .transitiveMemberOf: source = .computed(directory.transitiveMemberOf(ownerId))
            case .appliesTo: source = .computed(directory.policyAssignments.sources(of: ownerId))
            case .claimsMappingPolicies, .tokenLifetimePolicies, .tokenIssuancePolicies, .homeRealmDiscoveryPolicies,
                 .appManagementPolicies:
                let policyType = relation.assignedPolicyType
                let ids = directory.policyAssignments.targets(of: ownerId).elements.filter {
                    directory.type(ofLive: $0) == policyType
                }
                source = .computed(ids)
            case .appRoleAssignments, .appRoleAssignedTo:
                let index = relation == .appRoleAssignments
                    ? directory.appRoleAssignmentsByPrincipal.targets(of: ownerId)
                    : directory.appRoleAssignmentsByResource.targets(of: ownerId)
                source = .entities(index.elements.compactMap { directory.entity(.appRoleAssignment, $0) }, .appRoleAssignment)
            case .oauth2PermissionGrants:
                let field = owner == .servicePrincipal ? "clientId" : "principalId"
                source = .entities(directory.collection(.oAuth2PermissionGrant).all {
                    $0.object[field]?.stringValue?.lowercased() == ownerId.lowercased()
                }, .oAuth2PermissionGrant)
            case .manager:
                source = .computed([])
            }

            let filter = query.filter
            func include(_ id: String) -> (ResourceType, Entity)? {
                guard let (type, entity) = directory.directoryObject(id) else { return nil }
                if let cast, type != cast { return nil }
                if let filter, !filter.matches(entity.object) { return nil }
                return (type, entity)
            }
            switch source {
            case .keyed(let index):
                let total = (query.count && query.skipToken == nil) || countOnly ? index.countElements { include($0) != nil } : nil
                if countOnly { return ([], nil, total, ownerId) }
                var after: UInt64 = 0
                if let token = query.skipToken {
                    guard let position = OpaqueToken.pagePosition(token) else { throw GraphError.badRequest("Invalid $skiptoken.") }
                    after = position
                }
                let page = index.page(after: after, limit: pageSize) { include($0) != nil }
                let items = page.items.compactMap { id in
                    include(id).map { Item(type: $0.0, encoded: directory.encoded($0.0, $0.1)) }
                }
                return (items, page.resumeAfter.map(OpaqueToken.page(after:)), total, ownerId)
            case .computed(let ids):
                let matching = ids.compactMap { id in include(id) }
                if countOnly { return ([], nil, matching.count, ownerId) }
                var offset = 0
                if let token = query.skipToken {
                    guard let value = OpaqueToken.decode(token)?["o"]?.intValue else { throw GraphError.badRequest("Invalid $skiptoken.") }
                    offset = value
                }
                let end = min(matching.count, offset + pageSize)
                let items = offset < end ? matching[offset..<end].map { Item(type: $0.0, encoded: directory.encoded($0.0, $0.1)) } : []
                let token = end < matching.count ? OpaqueToken.encode(["o": .int(end)]) : nil
                return (items, token, query.count && query.skipToken == nil ? matching.count : nil, ownerId)
            case .entities(let entities, _):
                let matching = entities.filter { query.filter?.matches($0.object) ?? true }
                if countOnly { return ([], nil, matching.count, ownerId) }
                var offset = 0
                if let token = query.skipToken {
                    guard let value = OpaqueToken.decode(token)?["o"]?.intValue else { throw GraphError.badRequest("Invalid $skiptoken.") }
                    offset = value
                }
                let end = min(matching.count, offset + pageSize)
                let items = offset < end ? matching[offset..<end].map { Item(type: nil, encoded: $0.encoded) } : []
                let token = end < matching.count ? OpaqueToken.encode(["o": .int(end)]) : nil
                return (items, token, query.count && query.skipToken == nil ? matching.count : nil, ownerId)
            }
        }

        if countOnly {
            return GraphResponse(status: 200, headers: [("Content-Type", "text/plain;charset=utf-8")],
                                 body: Array(String(count ?? 0).utf8))
        }
        let contextPath: String
        switch relation {
        case .appRoleAssignments, .appRoleAssignedTo:
            contextPath = "\(owner.entitySet)('\(ownerId)')/\(relation.rawValue)"
        case .oauth2PermissionGrants:
            contextPath = "oauth2PermissionGrants"
        default:
            contextPath = cast.map { $0.entitySet } ?? "directoryObjects"
        }
        var writer = CollectionWriter(context: context.contextURL(contextPath + query.contextSelection), count: count,
                                      nextLink: resume.map { nextLink(context, token: $0) },
                                      capacity: 64 + items.count * 400)
        var projections: [String: Projection] = [:]
        for item in items {
            if let type = item.type {
                var projection = projections[type.name] ?? {
                    if let select = query.select { return Projection(keys: select.filter { type.isKnownProperty($0) || $0 == "id" }) }
                    return Projection(keys: type.defaultProperties)
                }()
                writer.appendItem { projection.write(item.encoded, leading: CollectionWriter.typeAnnotation(type), into: &$0) }
                projections[type.name] = projection
            } else {
                var projection = Projection(keys: query.select)
                writer.appendItem { projection.write(item.encoded, into: &$0) }
            }
        }
        return .json(200, writer.finish())
    }

    private func manager(owner: ResourceType, key: EntityKey, query: ODataQuery, _ context: GraphContext) throws -> GraphResponse {
        let (type, encoded): (ResourceType, EncodedObject) = try context.tenant.withDirectory { directory in
            let user = try directory.require(owner, key)
            guard let managerId = directory.manager(of: user.id), let (type, manager) = directory.directoryObject(managerId) else {
                throw GraphError.notFound("manager")
            }
            return (type, manager.encoded)
        }
        var projection = query.select.map { Projection(keys: $0) } ?? .all
        var leading = CollectionWriter.contextAnnotation(context.contextURL("directoryObjects/$entity"))
        leading.append(UInt8(ascii: ","))
        leading.append(contentsOf: CollectionWriter.typeAnnotation(type))
        var bytes: [UInt8] = []
        projection.write(encoded, leading: leading, into: &bytes)
        return .json(200, bytes)
    }

    /// The id named by an `@odata.id` URL (`https://graph.microsoft.com/v1.0/directoryObjects/{id}`).
    static func referencedId(_ value: String) -> String {
        var trimmed = value
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        let last = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        let (_, key) = GraphRouter.splitKey(last)
        return key?.description ?? last
    }

    func changeReference(
        _ relation: Relation,
        owner: ResourceType,
        key: EntityKey,
        member: String?,
        _ context: GraphContext
    ) throws -> GraphResponse {
        let method = context.request.method
        try context.require(writeRule(relation, owner: owner))
        var referenced: String?
        if method == "POST" || method == "PUT" {
            let body = try requestObject(context)
            guard let reference = body["@odata.id"]?.stringValue else {
                throw GraphError.badRequest("Invalid request body: expected an '@odata.id' reference.")
            }
            referenced = Self.referencedId(reference)
        }
        switch (relation, method) {
        case (.members, "POST"), (.owners, "POST"), (.claimsMappingPolicies, "POST"), (.tokenLifetimePolicies, "POST"),
             (.tokenIssuancePolicies, "POST"), (.homeRealmDiscoveryPolicies, "POST"), (.appManagementPolicies, "POST"):
            guard member == nil, let referenced else { throw GraphError.methodNotAllowed }
            try context.tenant.withDirectory { directory in
                try directory.addReference(relation, owner: owner, key: key, target: referenced, context: context)
            }
            return .noContent()
        case (.members, "DELETE"), (.owners, "DELETE"), (.claimsMappingPolicies, "DELETE"), (.tokenLifetimePolicies, "DELETE"),
             (.tokenIssuancePolicies, "DELETE"), (.homeRealmDiscoveryPolicies, "DELETE"), (.appManagementPolicies, "DELETE"):
            guard let member else { throw GraphError.methodNotAllowed }
            try context.tenant.withDirectory { directory in
                try directory.removeReference(relation, owner: owner, key: key, target: member, context: context)
            }
            return .noContent()
        case (.manager, "PUT"):
            guard let referenced else { throw GraphError.methodNotAllowed }
            try context.tenant.withDirectory { directory in
                let user = try directory.require(.user, key)
                guard let (managerType, _) = directory.directoryObject(referenced), managerType == .user else {
                    throw GraphError.notFound(referenced)
                }
                let previous = directory.manager(of: user.id)
                directory.setManager(referenced, of: user.id)
                if let updated = directory.entity(.user, user.id) {
                    directory.audit(activity: "Update user", category: "UserManagement", operationType: "Update",
                                    actor: context.actor,
                                    targets: [directory.auditTarget(.user, updated, modified: [
                                        ("Manager", .string(previous), .string(referenced)),
                                    ])], at: context.now)
                }
            }
            return .noContent()
        case (.manager, "DELETE"):
            try context.tenant.withDirectory { directory in
                let user = try directory.require(.user, key)
                guard let previous = directory.manager(of: user.id) else { throw GraphError.notFound("manager") }
                directory.setManager(nil, of: user.id)
                if let updated = directory.entity(.user, user.id) {
                    directory.audit(activity: "Update user", category: "UserManagement", operationType: "Update",
                                    actor: context.actor,
                                    targets: [directory.auditTarget(.user, updated, modified: [("Manager", .string(previous), .null)])],
                                    at: context.now)
                }
            }
            return .noContent()
        default:
            throw GraphError.methodNotAllowed
        }
    }

    func createAppRoleAssignment(_ relation: Relation, owner: ResourceType, key: EntityKey, _ context: GraphContext) throws -> GraphResponse {
        try context.require(writeRule(relation, owner: owner))
        let body = try requestObject(context)
        guard let principalId = body["principalId"]?.stringValue, let resourceId = body["resourceId"]?.stringValue,
              let appRoleId = body["appRoleId"]?.stringValue else {
            throw GraphError.badRequest("principalId, resourceId and appRoleId are required.")
        }
        let entity: Entity = try context.tenant.withDirectory { directory in
            let ownerEntity = try directory.require(owner, key)
            if relation == .appRoleAssignedTo, ownerEntity.id.lowercased() != resourceId.lowercased() {
                throw GraphError.badRequest("The resourceId must be the service principal the assignment is made on.")
            }
            if relation == .appRoleAssignments, ownerEntity.id.lowercased() != principalId.lowercased() {
                throw GraphError.badRequest("The principalId must be the object the assignment is made for.")
            }
            guard let (principalType, _) = directory.directoryObject(principalId),
                  [.user, .group, .servicePrincipal].contains(principalType) else {
                throw GraphError.notFound(principalId)
            }
            guard let resource = directory.entity(.servicePrincipal, resourceId) else {
                throw GraphError.notFound(resourceId)
            }
            let roles = resource.object["appRoles"]?.arrayValue?.compactMap { $0["id"]?.stringValue?.lowercased() } ?? []
            guard appRoleId == "00000000-0000-0000-0000-000000000000" || roles.contains(appRoleId.lowercased()) else {
                throw GraphError.badRequest("Permission being assigned was not found on application '\(resource.object["appId"]?.stringValue ?? resourceId)'.")
            }
            let duplicate = directory.appRoleAssignmentsByPrincipal.targets(of: principalId).elements.contains { id in
                guard let existing = directory.entity(.appRoleAssignment, id) else { return false }
                return existing.object["resourceId"]?.stringValue?.lowercased() == resourceId.lowercased()
                    && existing.object["appRoleId"]?.stringValue?.lowercased() == appRoleId.lowercased()
            }
            if duplicate {
                throw GraphError.badRequest("Permission being assigned already exists on the object")
            }
            let entity = directory.insertAppRoleAssignment(principalId: principalId, resourceId: resource.id,
                                                           appRoleId: appRoleId, at: context.now)
            let activity = principalType == .user ? "Add app role assignment grant to user"
                : (principalType == .group ? "Add app role assignment to group" : "Add app role assignment to service principal")
            directory.audit(activity: activity, category: principalType == .user ? "UserManagement" : "ApplicationManagement",
                            operationType: "Assign", actor: context.actor,
                            targets: [directory.auditTarget(.appRoleAssignment, entity)], at: context.now)
            return entity
        }
        var object = JSONObject()
        object.append("@odata.context", .string(context.contextURL("\(owner.entitySet)('\(key)')/\(relation.rawValue)/$entity")))
        for member in entity.object { object.append(member.key, member.value) }
        return .json(201, object)
    }

    func appRoleAssignment(_ relation: Relation, owner: ResourceType, key: EntityKey, id: String, _ context: GraphContext) throws -> GraphResponse {
        switch context.request.method {
        case "GET":
            try context.require(readRule(relation, owner: owner))
            let entity: Entity = try context.tenant.withDirectory { directory in
                let ownerEntity = try directory.require(owner, key)
                let index = relation == .appRoleAssignments ? directory.appRoleAssignmentsByPrincipal : directory.appRoleAssignmentsByResource
                guard index.contains(ownerEntity.id, id), let entity = directory.entity(.appRoleAssignment, id) else {
                    throw GraphError.notFound(id)
                }
                return entity
            }
            var object = JSONObject()
            object.append("@odata.context", .string(context.contextURL("\(owner.entitySet)('\(key)')/\(relation.rawValue)/$entity")))
            for member in entity.object { object.append(member.key, member.value) }
            return .json(200, object)
        case "DELETE":
            try context.require(writeRule(relation, owner: owner))
            try context.tenant.withDirectory { directory in
                let ownerEntity = try directory.require(owner, key)
                let index = relation == .appRoleAssignments ? directory.appRoleAssignmentsByPrincipal : directory.appRoleAssignmentsByResource
                guard index.contains(ownerEntity.id, id), let entity = directory.remove(.appRoleAssignment, id) else {
                    throw GraphError.notFound(id)
                }
                let principalType = entity.object["principalType"]?.stringValue
                directory.audit(activity: principalType == "User" ? "Remove app role assignment from user"
                                    : (principalType == "Group" ? "Remove app role assignment from group"
                                        : "Remove app role assignment from service principal"),
                                category: principalType == "User" ? "UserManagement" : "ApplicationManagement",
                                operationType: "Unassign", actor: context.actor,
                                targets: [directory.auditTarget(.appRoleAssignment, entity)], at: context.now)
            }
            return .noContent()
        default:
            throw GraphError.methodNotAllowed
        }
    }
}
