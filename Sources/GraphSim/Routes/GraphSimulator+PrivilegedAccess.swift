import Foundation

/// PIM for Entra roles: schedule and instance lists (derived at read time, so expiry and direct
/// role assignments show as Graph shows them) and the schedule requests that change them.
extension GraphSimulator {
    func privilegedAccess(_ type: ResourceType, id: String?, _ context: GraphContext) throws -> GraphResponse {
        if ResourceType.groupPrivilegedAccess.contains(type) { return try groupPrivilegedAccess(type, id: id, context) }
        let isRequest = type == .unifiedRoleEligibilityScheduleRequest || type == .unifiedRoleAssignmentScheduleRequest
        switch context.request.method {
        case "POST" where isRequest && id == nil:
            try context.require(type.write)
            let body = try requestObject(context)
            let caller = (id: context.caller.servicePrincipalId, displayName: context.caller.displayName)
            let request: Entity = try context.tenant.withDirectory { directory in
                let request = try directory.submitScheduleRequest(type, body, caller: caller, now: context.now)
                guard request.object["isValidationOnly"]?.boolValue != true else { return request }
                directory.audit(activity: Self.pimActivity(type, request.object), category: "RoleManagement",
                                operationType: request.object["action"]?.stringValue == "adminRemove" ? "Delete" : "Add",
                                actor: context.actor, targets: [directory.auditTarget(type, request)], at: context.now,
                                loggedByService: "PIM")
                return request
            }
            return createdRequest(request, type: type, context)
        case "GET":
            try context.require(type.read)
            let query = try ODataQuery(context.request)
            try query.validate(for: type)
            let objects = context.tenant.withDirectory { $0.privilegedAccessView(type, now: context.now) }
            if let id {
                guard let object = objects.first(where: { $0["id"]?.stringValue == id }) else { throw GraphError.notFound(id) }
                return single(EncodedObject(object), type: type, parentId: nil, query: query, context)
            }
            return derivedList(objects, type: type, query: query, context)
        default:
            throw GraphError.methodNotAllowed
        }
    }

    /// A schedule request's 201 answer, with its `@odata.context`.
    func createdRequest(_ request: Entity, type: ResourceType, _ context: GraphContext) -> GraphResponse {
        var object = JSONObject()
        object.append("@odata.context", .string(context.contextURL(type.entitySet + "/$entity")))
        for member in request.object { object.append(member.key, member.value) }
        return .json(201, object)
    }

    /// A list of objects derived at read time (PIM's schedules and instances), filtered and projected.
    func derivedList(_ objects: [JSONObject], type: ResourceType, query: ODataQuery, _ context: GraphContext) -> GraphResponse {
        let matching = objects.filter { query.filter?.matches($0) ?? true }
        var projection = query.projection(for: type)
        var writer = CollectionWriter(context: context.contextURL(type.entitySet + query.contextSelection),
                                      count: query.count ? matching.count : nil, capacity: 64 + matching.count * 600)
        for object in matching {
            writer.appendItem { projection.write(EncodedObject(object), into: &$0) }
        }
        return .json(200, writer.finish())
    }

    /// PIM's audit activity names.
    static func pimActivity(_ type: ResourceType, _ request: JSONObject) -> String {
        let eligible = type == .unifiedRoleEligibilityScheduleRequest ? "eligible " : ""
        if request["action"]?.stringValue == "adminRemove" { return "Remove \(eligible)member from role in PIM completed" }
        let permanent = request["scheduleInfo"]?["expiration"]?["type"]?.stringValue == "noExpiration"
        return "Add \(eligible)member to role in PIM completed (\(permanent ? "permanent" : "timebound"))"
    }
}
