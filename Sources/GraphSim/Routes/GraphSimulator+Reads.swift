import Foundation

/// Lists and gets: `$select`, `$top` (with each type's maximum), `$filter`, `$count`,
/// `$orderby`, `$search`, keyset paging with opaque skip tokens.
extension GraphSimulator {
    /// The checks Graph makes on query options before reading.
    func checkQuery(_ query: ODataQuery, for type: ResourceType, _ context: GraphContext) throws {
        try query.validate(for: type)
        let eventual = ODataQuery.isEventual(context.request)
        if query.hasSkip && (type == .user || type == .group || type.isDirectoryObject) {
            throw GraphError.badRequest("'$skip' is not supported by the service.")
        }
        if let top = query.top, let maximum = type.maximumPageSize, top > maximum {
            throw GraphError.badRequest("Invalid page size specified: '\(top)'. Must be between 1 and \(maximum) inclusive.")
        }
        if type.isDirectoryObject {
            if query.count && !eventual {
                throw GraphError.badRequest("$count is not currently supported.")
            }
            if let filter = query.filter, filter.needsAdvancedQuery, !(eventual && query.count) {
                throw GraphError.unsupportedQuery()
            }
            if query.search != nil && !eventual {
                throw GraphError.badRequest("Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
            }
            if let order = query.orderBy, !eventual,
               !["displayName", "userPrincipalName"].contains(order.property) {
                throw GraphError.unsupportedQuery("Sorting not supported for current query.")
            }
        }
    }

    /// The predicate for `$filter` and `$search`.
    func predicate(_ query: ODataQuery) throws -> ((Entity) -> Bool)? {
        let filter = query.filter
        let search = try query.search.map(SearchExpression.parse)
        if filter == nil && search == nil { return nil }
        return { entity in
            if let filter, !filter.matches(entity.object) { return false }
            if let search, !search.matches(entity.object) { return false }
            return true
        }
    }

    func nextLink(_ context: GraphContext, token: String) -> String {
        var parts: [String] = []
        for item in context.request.query where item.name != "$skiptoken" && item.name != "skiptoken" {
            parts.append(GraphRequest.percentEncode(item.name) + "=" + GraphRequest.percentEncode(item.value))
        }
        parts.append("$skiptoken=" + token)
        return context.serviceRoot + context.request.path + "?" + parts.joined(separator: "&")
    }

    /// Pages through `index` (under the tenant lock) with the request's options.
    func page(
        _ index: OrderedIndex<Entity>,
        query: ODataQuery,
        defaultSize: Int,
        include: ((Entity) -> Bool)?
    ) throws -> (items: [Entity], resumeToken: String?, count: Int?) {
        let pageSize = query.top ?? defaultSize
        // @odata.count is on the first page only.
        let count = query.count && query.skipToken == nil ? (include.map { index.countElements(where: $0) } ?? index.count) : nil
        if let order = query.orderBy {
            // Ordered reads sort the matching set and page by offset.
            var matching = include.map { index.all(where: $0) } ?? index.elements
            let key = order.property
            matching.sort { lhs, rhs in
                let left = lhs.object[key]?.stringValue?.lowercased() ?? ""
                let right = rhs.object[key]?.stringValue?.lowercased() ?? ""
                return order.descending ? left > right : left < right
            }
            var offset = 0
            if let token = query.skipToken {
                guard let object = OpaqueToken.decode(token), let value = object["o"]?.intValue else {
                    throw GraphError.badRequest("Invalid $skiptoken.")
                }
                offset = value
            }
            let end = min(matching.count, offset + pageSize)
            let items = offset < end ? Array(matching[offset..<end]) : []
            let token = end < matching.count ? OpaqueToken.encode(["o": .int(end)]) : nil
            return (items, token, count)
        }
        var after: UInt64 = 0
        if let token = query.skipToken {
            guard let position = OpaqueToken.pagePosition(token) else {
                throw GraphError.badRequest("Invalid $skiptoken.")
            }
            after = position
        }
        let page = include.map { index.page(after: after, limit: pageSize, where: $0) }
            ?? index.page(after: after, limit: pageSize)
        return (page.items, page.resumeAfter.map(OpaqueToken.page(after:)), count)
    }

    func listEntities(_ type: ResourceType, parent: ParentReference?, _ context: GraphContext) throws -> GraphResponse {
        try context.require(type.read)
        let query = try ODataQuery(context.request)
        try checkQuery(query, for: type, context)
        if type == .unifiedRoleManagementPolicy || type == .unifiedRoleManagementPolicyAssignment, query.filter == nil {
            // Both lists must be scoped: `scopeId eq '/' and scopeType eq 'DirectoryRole'`, or a group.
            throw GraphError.badRequest("The $filter query parameter with scopeId and scopeType is required.")
        }
        var include = try predicate(query)
        // `/users/{id}/authentication/phoneMethods` and the other typed sets list one kind of method.
        if type == .authenticationMethod, let odataType = Self.methodType(Self.methodSet(context.request)) {
            let filter = include
            include = { $0.object["@odata.type"]?.stringValue == odataType && (filter?($0) ?? true) }
        }
        let defaultSize: Int
        switch type.paging {
        case .paged(let size, _): defaultSize = size
        case .unpaged: defaultSize = Int.max
        }
        let wantsKeys = (type == .application || type == .servicePrincipal) && query.select?.contains("keyCredentials") == true
        let descending = type == .directoryAudit && query.orderBy == nil

        var expansions: [[UInt8]] = []
        let (items, resumeToken, count, parentId): ([EncodedObject], String?, Int?, String?) = try context.tenant.withDirectory { directory in
            let result = try gatherPage(type, parent: parent, query: query, include: include, defaultSize: defaultSize,
                                        wantsKeys: wantsKeys, descending: descending, directory: &directory)
            if !query.expand.isEmpty {
                expansions = try result.0.map { encoded in
                    try expand(query.expand, of: type, id: encoded.object["id"]?.stringValue ?? "", object: encoded.object,
                               directory: directory)
                }
            }
            return result
        }

        var projection = securityAttributeProjection(query.projection(for: type), type: type, context)
        let contextURL = context.contextURL(entitySetPath(type, parentId: parentId) + query.contextSelection)
        var writer = CollectionWriter(context: contextURL, count: count,
                                      nextLink: resumeToken.map { nextLink(context, token: $0) },
                                      capacity: 64 + items.count * 400)
        for (index, item) in items.enumerated() {
            let trailing = index < expansions.count ? expansions[index] : nil
            writer.appendItem { projection.write(item, trailing: trailing, into: &$0) }
        }
        return .json(200, writer.finish())
    }

    /// The objects of one page (under the tenant lock), serialized and cached.
    private func gatherPage(
        _ type: ResourceType,
        parent: ParentReference?,
        query: ODataQuery,
        include: ((Entity) -> Bool)?,
        defaultSize: Int,
        wantsKeys: Bool,
        descending: Bool,
        directory: inout TenantDirectory
    ) throws -> ([EncodedObject], String?, Int?, String?) {
        do {
            let parentId = try parent.map { try directory.requireParent($0) }
            let index = directory.collection(type, parent: parentId)
            if let ids = query.filter?.identifierLookup, query.orderBy == nil {
                let found = ids.compactMap { index[$0] }.filter { include?($0) ?? true }
                let encoded = found.map { wantsKeys ? directory.withKeyCredentialKeys($0) : directory.encoded(type, $0, parent: parentId) }
                return (encoded, nil, query.count ? found.count : nil, parentId)
            }
            if descending {
                var before = UInt64.max
                if let token = query.skipToken {
                    guard let position = OpaqueToken.pagePosition(token) else { throw GraphError.badRequest("Invalid $skiptoken.") }
                    before = position
                }
                let page = index.pageDescending(before: before, limit: query.top ?? defaultSize, where: include ?? { _ in true })
                let count = query.count && query.skipToken == nil
                    ? (include.map { index.countElements(where: $0) } ?? index.count) : nil
                return (page.items.map { directory.encoded(type, $0, parent: parentId) },
                        page.resumeAfter.map(OpaqueToken.page(after:)), count, parentId)
            }
            if query.orderBy == nil && !wantsKeys {
                let count = query.count && query.skipToken == nil
                    ? (include.map { index.countElements(where: $0) } ?? index.count) : nil
                var after: UInt64 = 0
                if let token = query.skipToken {
                    guard let position = OpaqueToken.pagePosition(token) else { throw GraphError.badRequest("Invalid $skiptoken.") }
                    after = position
                }
                _ = consume index
                let page = directory.pageEncoded(type, parent: parentId, after: after, limit: query.top ?? defaultSize,
                                                 where: include)
                return (page.items, page.resumeAfter.map(OpaqueToken.page(after:)), count, parentId)
            }
            let result = try page(index, query: query, defaultSize: defaultSize, include: include)
            let encoded = result.items.map { wantsKeys ? directory.withKeyCredentialKeys($0) : directory.encoded(type, $0, parent: parentId) }
            return (encoded, result.resumeToken, result.count, parentId)
        }
    }

    /// `phoneMethods` → `#microsoft.graph.phoneAuthenticationMethod`; nil for `methods`.
    static func methodType(_ set: String) -> String? {
        guard set != "methods", set.hasSuffix("Methods") else { return nil }
        return "#microsoft.graph.\(set.dropLast("Methods".count))AuthenticationMethod"
    }

    /// `users`, or `users('id')/authentication/methods` for child collections.
    func entitySetPath(_ type: ResourceType, parentId: String?) -> String {
        guard let parentId else { return type.entitySet }
        if type == .synchronizationSchema { return type.entitySet }
        return type.entitySet.replacingOccurrences(of: "'{id}'", with: "'\(parentId)'")
    }

    func getEntity(_ type: ResourceType, key: EntityKey, parent: ParentReference?, _ context: GraphContext) throws -> GraphResponse {
        try context.require(type.read)
        let query = try ODataQuery(context.request)
        try query.validate(for: type)
        let wantsKeys = (type == .application || type == .servicePrincipal) && query.select?.contains("keyCredentials") == true
        let (encoded, parentId, expansions) = try context.tenant.withDirectory { directory -> (EncodedObject, String?, [UInt8]) in
            let parentId = try parent.map { try directory.requireParent($0) }
            let entity = try directory.require(type, key, parent: parentId)
            let expansions = try expand(query.expand, of: type, entity: entity, directory: directory)
            return (wantsKeys ? directory.withKeyCredentialKeys(entity) : directory.encoded(type, entity, parent: parentId),
                    parentId, expansions)
        }
        return single(encoded, type: type, parentId: parentId, query: query, trailing: expansions, context)
    }

    /// Graph answers `customSecurityAttributes` as `{}` to a caller without an assignment permission.
    func securityAttributeProjection(_ projection: Projection, type: ResourceType, _ context: GraphContext) -> Projection {
        guard type == .user || type == .servicePrincipal,
              !ResourceType.attributeAssignmentRead.isSatisfied(by: context.caller.roles) else { return projection }
        return projection.masking(["customSecurityAttributes"])
    }

    /// A single-object response with its `@odata.context`.
    func single(
        _ encoded: EncodedObject,
        type: ResourceType,
        parentId: String?,
        query: ODataQuery,
        trailing: [UInt8]? = nil,
        _ context: GraphContext
    ) -> GraphResponse {
        var projection = securityAttributeProjection(query.projection(for: type), type: type, context)
        let suffix = type == .authenticationMethodsPolicy || type == .deviceRegistrationPolicy ? "" : "/$entity"
        let contextURL = context.contextURL(entitySetPath(type, parentId: parentId) + query.contextSelection + suffix)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        projection.write(encoded, leading: CollectionWriter.contextAnnotation(contextURL), trailing: trailing, into: &bytes)
        return .json(200, bytes)
    }

    /// `$expand` of a single object: manager, members, owners, principal, roleDefinition.
    func expand(_ names: [String], of type: ResourceType, entity: Entity, directory: TenantDirectory) throws -> [UInt8] {
        try expand(names, of: type, id: entity.id, object: entity.object, directory: directory)
    }

    func expand(_ names: [String], of type: ResourceType, id: String, object: JSONObject, directory: TenantDirectory) throws -> [UInt8] {
        guard !names.isEmpty else { return [] }
        var bytes: [UInt8] = []
        for name in names {
            if !bytes.isEmpty { bytes.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(name, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            switch (type, name) {
            case (.user, "manager"):
                if let manager = directory.manager(of: id), let (managerType, managerEntity) = directory.directoryObject(manager) {
                    var projection = Projection.all
                    projection.write(managerEntity.encoded, leading: CollectionWriter.typeAnnotation(managerType), into: &bytes)
                } else {
                    bytes.append(contentsOf: Array("null".utf8))
                }
            case (.group, "members"), (.group, "owners"), (.application, "owners"), (.servicePrincipal, "owners"),
                 (.administrativeUnit, "members"), (.directoryRole, "members"):
                let ids = name == "members" ? directory.liveMembers(of: id)
                    : directory.owners.targets(of: id).all { directory.isLive($0) }
                bytes.append(UInt8(ascii: "["))
                // Graph returns at most 20 expanded members.
                for (index, id) in ids.prefix(20).enumerated() {
                    guard let (memberType, member) = directory.directoryObject(id) else { continue }
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    var projection = Projection.all
                    projection.write(member.encoded, leading: CollectionWriter.typeAnnotation(memberType), into: &bytes)
                }
                bytes.append(UInt8(ascii: "]"))
            case (.unifiedRoleAssignment, "principal"):
                if let principalId = object["principalId"]?.stringValue, let (principalType, principal) = directory.directoryObject(principalId) {
                    var projection = Projection.all
                    projection.write(principal.encoded, leading: CollectionWriter.typeAnnotation(principalType), into: &bytes)
                } else {
                    bytes.append(contentsOf: Array("null".utf8))
                }
            case (.unifiedRoleManagementPolicy, "rules"):
                bytes.append(UInt8(ascii: "["))
                for (index, rule) in directory.collection(.unifiedRoleManagementPolicyRule, parent: id).elements.enumerated() {
                    if index > 0 { bytes.append(UInt8(ascii: ",")) }
                    JSONWriter.write(rule.object, into: &bytes)
                }
                bytes.append(UInt8(ascii: "]"))
            case (.unifiedRoleAssignment, "roleDefinition"):
                if let definitionId = object["roleDefinitionId"]?.stringValue, let definition = directory.entity(.unifiedRoleDefinition, definitionId) {
                    JSONWriter.write(definition.object, into: &bytes)
                } else {
                    bytes.append(contentsOf: Array("null".utf8))
                }
            default:
                throw GraphError.badRequest("Could not find a navigation property named '\(name)' on type 'microsoft.graph.\(type.name)'.")
            }
        }
        return bytes
    }

    /// `GET /users/$count`: a plain-text number, with `ConsistencyLevel: eventual` only.
    func countEntities(_ type: ResourceType, _ context: GraphContext) throws -> GraphResponse {
        try context.require(type.read)
        guard ODataQuery.isEventual(context.request) else {
            throw GraphError.badRequest("$count is not currently supported.")
        }
        let query = try ODataQuery(context.request)
        try query.validate(for: type)
        let include = try predicate(query)
        let count = context.tenant.withDirectory { directory in
            let index = directory.collection(type)
            return include.map { index.countElements(where: $0) } ?? index.count
        }
        return GraphResponse(status: 200, headers: [("Content-Type", "text/plain;charset=utf-8")], body: Array(String(count).utf8))
    }

    /// `GET /directoryObjects/{id}`.
    func getDirectoryObject(_ id: String, _ context: GraphContext) throws -> GraphResponse {
        try context.require(.directoryRead.or(.any("User.Read.All", "Group.Read.All", "Application.Read.All")))
        let query = try ODataQuery(context.request)
        guard let (type, entity) = context.tenant.withDirectory({ $0.directoryObject(id) }) else {
            throw GraphError.notFound(id)
        }
        var projection = query.projection(for: type)
        var leading = CollectionWriter.contextAnnotation(context.contextURL("directoryObjects/$entity"))
        leading.append(UInt8(ascii: ","))
        leading.append(contentsOf: CollectionWriter.typeAnnotation(type))
        var bytes: [UInt8] = []
        projection.write(entity.encoded, leading: leading, into: &bytes)
        return .json(200, bytes)
    }

    /// `POST /directoryObjects/getByIds` with `{"ids": […], "types": […]}`.
    func getByIds(_ context: GraphContext) throws -> GraphResponse {
        try context.require(.directoryRead.or(.any("User.Read.All", "Group.Read.All", "Application.Read.All")))
        let body = try requestObject(context)
        let ids = body["ids"]?.stringArray ?? []
        guard !ids.isEmpty else { throw GraphError.badRequest("The 'ids' parameter is required.") }
        guard ids.count <= 1000 else { throw GraphError.badRequest("Too many ids: at most 1000 are allowed.") }
        let types = Set((body["types"]?.stringArray ?? []).map { $0.lowercased() })
        let found: [(ResourceType, EncodedObject)] = context.tenant.withDirectory { directory in
            ids.compactMap { id in
                guard let (type, entity) = directory.directoryObject(id) else { return nil }
                if !types.isEmpty && !types.contains(type.name.lowercased()) { return nil }
                return (type, entity.encoded)
            }
        }
        var writer = CollectionWriter(context: context.contextURL("directoryObjects"))
        for (type, encoded) in found {
            var projection = Projection(keys: type.defaultProperties)
            writer.appendItem { projection.write(encoded, leading: CollectionWriter.typeAnnotation(type), into: &$0) }
        }
        return .json(200, writer.finish())
    }

    /// `/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/{id}`.
    func authenticationMethodConfiguration(_ id: String, _ context: GraphContext) throws -> GraphResponse {
        let type = ResourceType.authenticationMethodsPolicy
        switch context.request.method {
        case "GET":
            try context.require(type.read)
            let configuration: JSONObject = try context.tenant.withDirectory { directory in
                guard let policy = directory.entity(type, "authenticationMethodsPolicy"),
                      let match = policy.object["authenticationMethodConfigurations"]?.arrayValue?
                        .first(where: { $0["id"]?.stringValue?.lowercased() == id.lowercased() })?.objectValue else {
                    throw GraphError.notFound(id)
                }
                return match
            }
            var object = JSONObject()
            object.append("@odata.context", .string(context.contextURL("policies/authenticationMethodsPolicy/authenticationMethodConfigurations/$entity")))
            for member in configuration { object.append(member.key, member.value) }
            return .json(200, object)
        case "PATCH":
            try context.require(type.write)
            let changes = try requestObject(context)
            try context.tenant.withDirectory { directory in
                guard let policy = directory.entity(type, "authenticationMethodsPolicy") else { throw GraphError.notFound(id) }
                var found = false
                var configurations = policy.object["authenticationMethodConfigurations"]?.arrayValue ?? []
                for (index, item) in configurations.enumerated() where item["id"]?.stringValue?.lowercased() == id.lowercased() {
                    guard case .object(let fields) = item else { continue }
                    var updated = fields
                    for member in changes where member.key != "id" && member.key != "@odata.type" {
                        updated[member.key] = member.value
                    }
                    configurations[index] = .object(updated)
                    found = true
                }
                guard found else { throw GraphError.notFound(id) }
                let updated = directory.update(type, "authenticationMethodsPolicy") { object in
                    object["authenticationMethodConfigurations"] = .array(configurations)
                    object["lastModifiedDateTime"] = .string(Timestamp.formatPrecise(context.now))
                }
                if let updated {
                    directory.audit(activity: "Authentication Methods Policy Update", category: "Policy",
                                    operationType: "Update", actor: context.actor,
                                    targets: [directory.auditTarget(type, updated)], at: context.now)
                }
            }
            return .noContent()
        default:
            throw GraphError.methodNotAllowed
        }
    }

    /// `/servicePrincipals/{id}/synchronization/jobs/{jobId}/schema`.
    func synchronizationSchema(servicePrincipal: EntityKey, job: String, _ context: GraphContext) throws -> GraphResponse {
        let type = ResourceType.synchronizationSchema
        guard context.request.method == "GET" else { throw GraphError.methodNotAllowed }
        try context.require(type.read)
        let query = try ODataQuery(context.request)
        let (encoded, path): (EncodedObject, String) = try context.tenant.withDirectory { directory in
            let sp = try directory.require(.servicePrincipal, servicePrincipal)
            guard directory.entity(.synchronizationJob, job, parent: sp.id) != nil,
                  let schema = directory.entity(type, job, parent: "\(sp.id)/\(job)") else {
                throw GraphError.notFound(job)
            }
            return (schema.encoded, "servicePrincipals('\(sp.id)')/synchronization/jobs('\(job)')/schema")
        }
        var projection = query.projection(for: type)
        var bytes: [UInt8] = []
        projection.write(encoded, leading: CollectionWriter.contextAnnotation(context.contextURL(path + "/$entity")), into: &bytes)
        return .json(200, bytes)
    }

    /// The request body as a JSON object, or Graph's 400.
    func requestObject(_ context: GraphContext) throws -> JSONObject {
        guard !context.request.body.isEmpty else {
            throw GraphError.badRequest("Empty Payload. JSON content expected.")
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(context.request.body)
        } catch {
            throw GraphError.invalidBody(error.description)
        }
        guard case .object(let object) = value else {
            throw GraphError.invalidBody("The payload must be a JSON object.")
        }
        return object
    }
}
