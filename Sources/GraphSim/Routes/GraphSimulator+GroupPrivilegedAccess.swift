import Foundation

/// PIM for Groups: schedule and instance lists (derived at read time from the stored schedules
/// and the groups' ordinary members and owners) and the schedule requests that change them.
extension GraphSimulator {
    func groupPrivilegedAccess(_ type: ResourceType, id: String?, _ context: GraphContext) throws -> GraphResponse {
        let isRequest = type == .privilegedAccessGroupEligibilityScheduleRequest || type == .privilegedAccessGroupAssignmentScheduleRequest
        switch context.request.method {
        case "POST" where isRequest && id == nil:
            try context.require(type.write)
            let body = try requestObject(context)
            let caller = (id: context.caller.servicePrincipalId, displayName: context.caller.displayName)
            let request: Entity = try context.tenant.withDirectory { directory in
                let request = try directory.submitGroupScheduleRequest(type, body, caller: caller, now: context.now)
                guard request.object["isValidationOnly"]?.boolValue != true else { return request }
                directory.audit(activity: Self.groupPimActivity(type, request.object), category: "GroupManagement",
                                operationType: request.object["action"]?.stringValue == "adminRemove" ? "Delete" : "Add",
                                actor: context.actor,
                                targets: [directory.entity(.group, request.object["groupId"]?.stringValue ?? "").map {
                                    directory.auditTarget(.group, $0)
                                } ?? directory.auditTarget(type, request)], at: context.now,
                                loggedByService: "PIM")
                return request
            }
            return createdRequest(request, type: type, context)
        case "GET" where !isRequest:
            try context.require(type.read)
            let query = try ODataQuery(context.request)
            try query.validate(for: type)
            if let id {
                // Schedule and instance ids begin with their group's id.
                let group = id.split(separator: "_").first.map(String.init)
                let objects = context.tenant.withDirectory { $0.groupPrivilegedAccessView(type, group: group, principal: nil, now: context.now) }
                guard let object = objects.first(where: { $0["id"]?.stringValue?.lowercased() == id.lowercased() }) else {
                    throw GraphError.notFound(id)
                }
                return single(EncodedObject(object), type: type, parentId: nil, query: query, context)
            }
            let group = query.filter?.requiredValue(of: "groupId")
            let principal = query.filter?.requiredValue(of: "principalId")
            guard group != nil || principal != nil else {
                throw GraphError.badRequest("The $filter query parameter must scope the request by groupId or principalId.")
            }
            let objects = context.tenant.withDirectory {
                $0.groupPrivilegedAccessView(type, group: group, principal: principal, now: context.now)
            }
            return derivedList(objects, type: type, query: query, context)
        default:
            throw GraphError.methodNotAllowed
        }
    }

    /// PIM's audit activity names for groups.
    static func groupPimActivity(_ type: ResourceType, _ request: JSONObject) -> String {
        let eligible = type == .privilegedAccessGroupEligibilityScheduleRequest ? "eligible " : ""
        let relation = request["accessId"]?.stringValue == "owner" ? "owner" : "member"
        if request["action"]?.stringValue == "adminRemove" { return "Remove \(eligible)\(relation) from group in PIM completed" }
        let permanent = request["scheduleInfo"]?["expiration"]?["type"]?.stringValue == "noExpiration"
        return "Add \(eligible)\(relation) to group in PIM completed (\(permanent ? "permanent" : "timebound"))"
    }
}
