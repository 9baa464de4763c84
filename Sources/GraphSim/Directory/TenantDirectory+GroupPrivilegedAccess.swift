import Foundation

/// PIM for Groups as Graph serves it: `adminAssign` and `adminRemove` requests for eligible or
/// active membership and ownership, the schedules they store, and the instances derived from
/// them. Every member and owner the group has without PIM also shows as a permanent `Assigned`
/// schedule and instance; an activation is an `Activated` schedule backed by an ordinary
/// membership, which is why `group.members` alone cannot tell it from a permanent one.
extension TenantDirectory {
    static let groupAccessIds: Set<String> = ["member", "owner"]

    /// The id Graph gives a group schedule: the group, the relationship and the request.
    static func groupScheduleId(group: String, accessId: String, suffix: String) -> String {
        "\(group)_\(accessId)_\(suffix)"
    }

    /// Whether `principal` is a member (or owner) of `group` by an ordinary link.
    func hasGroupAccess(_ accessId: String, principal: String, group: String) -> Bool {
        accessId == "owner" ? owners.contains(group, principal) : memberships.contains(group, principal)
    }

    mutating func setGroupAccess(_ accessId: String, principal: String, group: String, granted: Bool) {
        switch (accessId, granted) {
        case ("owner", true): owners.add(group, principal); touch(.group, group)
        case ("owner", false): if owners.remove(group, principal) { touch(.group, group) }
        case (_, true): addMember(principal, to: group)
        case (_, false): removeMember(principal, from: group)
        }
    }

    /// Handles a group `eligibilityScheduleRequests` or `assignmentScheduleRequests` POST.
    mutating func submitGroupScheduleRequest(_ type: ResourceType, _ body: JSONObject, caller: (id: String, displayName: String),
                                             now: Date) throws -> Entity {
        let eligibility = type == .privilegedAccessGroupEligibilityScheduleRequest
        for member in body where member.key != "@odata.type" && !type.isKnownProperty(member.key) {
            throw GraphError.badRequest("Property '\(member.key)' does not exist as a declared property or extension property.")
        }
        // Graph reads the enumerations case-insensitively (its own example sends `AdminAssign`).
        guard let action = body["action"]?.stringValue else { throw GraphError.badRequest("Property 'action' is required.") }
        guard let accessText = body["accessId"]?.stringValue else { throw GraphError.badRequest("Property 'accessId' is required.") }
        let accessId = accessText.lowercased()
        guard Self.groupAccessIds.contains(accessId) else {
            throw GraphError.badRequest("Invalid value '\(accessText)' for property 'accessId'.")
        }
        guard let principal = body["principalId"]?.stringValue, !principal.isEmpty else {
            throw GraphError.badRequest("Property 'principalId' is required.")
        }
        guard let group = body["groupId"]?.stringValue, !group.isEmpty else {
            throw GraphError.badRequest("Property 'groupId' is required.")
        }
        guard let groupEntity = entity(.group, group) else { throw GraphError.notFound(group) }
        guard let principalType = self.type(ofLive: principal) else { throw GraphError.notFound(principal) }
        if principalType != .user && !(principalType == .group && accessId == "member") {
            throw GraphError.badRequest("The principal must be a user, or a group for membership.")
        }
        if (groupEntity.object["groupTypes"]?.stringArray ?? []).contains("DynamicMembership") && accessId == "member" {
            throw GraphError.badRequest("PIM cannot manage the membership of a dynamic group.")
        }
        let scheduleType: ResourceType = eligibility ? .privilegedAccessGroupEligibilitySchedule : .privilegedAccessGroupAssignmentSchedule
        func live(_ object: JSONObject) -> Bool {
            object["scheduleInfo"]?["expiration"]?["endDateTime"]?.stringValue.flatMap(Timestamp.parse).map { $0 > now } ?? true
        }
        let existing = collection(scheduleType).all {
            $0.object["groupId"]?.stringValue?.lowercased() == group.lowercased()
                && $0.object["principalId"]?.stringValue?.lowercased() == principal.lowercased()
                && $0.object["accessId"]?.stringValue == accessId && live($0.object)
        }
        let direct = !eligibility && existing.isEmpty && hasGroupAccess(accessId, principal: principal, group: group)
        let id = newId()
        var request: JSONObject = [
            "id": .string(id), "status": "Provisioned", "createdDateTime": .string(Timestamp.formatPrecise(now)),
            "completedDateTime": .string(Timestamp.formatPrecise(now)), "approvalId": .null, "customData": .null,
            "action": .string(action.prefix(1).lowercased() + action.dropFirst()), "accessId": .string(accessId),
            "principalId": .string(principal), "groupId": .string(group), "isValidationOnly": false,
            "targetScheduleId": .null, "justification": body["justification"] ?? .null,
            "createdBy": ["application": ["displayName": .string(caller.displayName), "id": .string(caller.id)],
                          "device": .null, "user": .null],
            "scheduleInfo": .null, "ticketInfo": body["ticketInfo"] ?? ["ticketNumber": .null, "ticketSystem": .null],
        ]
        switch action.lowercased() {
        case "adminassign":
            var info = body["scheduleInfo"]
            // The documented requests name expiration types in Pascal case (`AfterDateTime`).
            if let type = info?["expiration"]?["type"]?.stringValue, var object = info?.objectValue,
               var expiration = object["expiration"]?.objectValue {
                expiration["type"] = .string(type.prefix(1).lowercased() + type.dropFirst())
                object["expiration"] = .object(expiration)
                info = .object(object)
            }
            let bounds = try Self.scheduleBounds(info, now: now)
            if let end = bounds.end, end <= now {
                throw GraphError(status: 400, code: "InvalidScheduleInfo", message: "The expiration of the schedule is in the past.")
            }
            if !existing.isEmpty || direct || (!eligibility && hasGroupAccess(accessId, principal: principal, group: group)) {
                throw GraphError(status: 400, code: "RoleAssignmentExists", message: "The Role assignment already exists.")
            }
            let schedule = Self.requestSchedule(bounds, duration: info?["expiration"]?["duration"] ?? .null)
            let scheduleId = Self.groupScheduleId(group: group, accessId: accessId, suffix: id)
            request["scheduleInfo"] = schedule
            request["targetScheduleId"] = .string(scheduleId)
            if body["isValidationOnly"]?.boolValue == true {
                request["isValidationOnly"] = true
                request["targetScheduleId"] = .null
                return Entity(id: id, object: request, version: 0)
            }
            var stored: JSONObject = [
                "id": .string(scheduleId), "accessId": .string(accessId), "principalId": .string(principal),
                "groupId": .string(group), "createdUsing": .string(id), "createdDateTime": .string(Timestamp.formatPrecise(now)),
                "modifiedDateTime": .null, "status": "Provisioned", "memberType": "Direct", "scheduleInfo": schedule,
            ]
            if !eligibility {
                stored["assignmentType"] = "Assigned"
                // An active schedule grants the membership or ownership now, through an ordinary link.
                setGroupAccess(accessId, principal: principal, group: group, granted: true)
            }
            insert(scheduleType, stored)
        case "adminremove":
            if existing.isEmpty && !direct {
                throw GraphError(status: 400, code: "RoleAssignmentDoesNotExist", message: "The Role assignment does not exist.")
            }
            for schedule in existing { remove(scheduleType, schedule.id) }
            if !eligibility { setGroupAccess(accessId, principal: principal, group: group, granted: false) }
            request["status"] = "Revoked"
            request["completedDateTime"] = .null
        case "selfactivate", "selfdeactivate", "selfextend", "selfrenew":
            throw GraphError(status: 400, code: "InvalidRequest",
                             message: "The action '\(action)' needs a signed-in user; application permissions cannot use it.")
        case "adminupdate", "adminextend", "adminrenew":
            throw GraphError(status: 501, code: "NotImplemented", message: "graph-sim does not implement the action '\(action)'.")
        default:
            throw GraphError.badRequest("Invalid value '\(action)' for property 'action'.")
        }
        return insert(type, request)
    }

    /// What Graph lists for a PIM for Groups type, scoped to a group or a principal (Graph
    /// requires one of them): stored schedules that have not expired, the permanent schedule of
    /// every ordinary member and owner, and one instance per schedule.
    func groupPrivilegedAccessView(_ type: ResourceType, group: String?, principal: String?, now: Date) -> [JSONObject] {
        func live(_ object: JSONObject) -> Bool {
            object["scheduleInfo"]?["expiration"]?["endDateTime"]?.stringValue.flatMap(Timestamp.parse).map { $0 > now } ?? true
        }
        func inScope(_ object: JSONObject) -> Bool {
            (group.map { object["groupId"]?.stringValue?.lowercased() == $0.lowercased() } ?? true)
                && (principal.map { object["principalId"]?.stringValue?.lowercased() == $0.lowercased() } ?? true)
        }
        let eligibility = type == .privilegedAccessGroupEligibilitySchedule || type == .privilegedAccessGroupEligibilityScheduleInstance
        let scheduleType: ResourceType = eligibility ? .privilegedAccessGroupEligibilitySchedule : .privilegedAccessGroupAssignmentSchedule
        var schedules = collection(scheduleType).all { inScope($0.object) && live($0.object) && isLive($0.object["principalId"]?.stringValue ?? "") }
            .map(\.object)
        if !eligibility {
            // Ordinary members and owners: permanent, assigned outside PIM.
            var covered = Set(collection(scheduleType).all { inScope($0.object) }.map {
                [$0.object["groupId"]?.stringValue?.lowercased() ?? "", $0.object["accessId"]?.stringValue ?? "",
                 $0.object["principalId"]?.stringValue?.lowercased() ?? ""]
            })
            var links: [(group: String, accessId: String, principal: String)] = []
            if let group {
                for member in liveMembers(of: group) { links.append((group, "member", member)) }
                for owner in owners.targets(of: group).all(where: { isLive($0) }) { links.append((group, "owner", owner)) }
            } else if let principal {
                for container in memberships.sources(of: principal) where self.type(ofLive: container) == .group {
                    links.append((container, "member", principal))
                }
                for container in owners.sources(of: principal) where self.type(ofLive: container) == .group {
                    links.append((container, "owner", principal))
                }
            }
            // Devices and contacts can be members, but PIM manages only users, groups and service principals.
            let principalTypes: Set<ResourceType> = [.user, .group, .servicePrincipal]
            for link in links where self.type(ofLive: link.principal).map(principalTypes.contains) == true {
                let groupId = entity(.group, link.group)?.id ?? link.group
                let principalId = directoryObject(link.principal)?.entity.id ?? link.principal
                guard covered.insert([groupId.lowercased(), link.accessId, principalId.lowercased()]).inserted else { continue }
                schedules.append([
                    "id": .string(Self.groupScheduleId(group: groupId, accessId: link.accessId, suffix: principalId)),
                    "accessId": .string(link.accessId), "principalId": .string(principalId), "groupId": .string(groupId),
                    "createdUsing": .null, "createdDateTime": .null, "modifiedDateTime": .null, "status": "Provisioned",
                    "memberType": "Direct", "assignmentType": "Assigned",
                    "scheduleInfo": [
                        "startDateTime": .null, "recurrence": .null,
                        "expiration": ["type": "noExpiration", "endDateTime": .null, "duration": .null],
                    ],
                ])
            }
        }
        switch type {
        case .privilegedAccessGroupEligibilitySchedule, .privilegedAccessGroupAssignmentSchedule:
            return schedules
        default:
            return schedules.map { schedule in
                var instance: JSONObject = [
                    "id": schedule["id"] ?? .null, "accessId": schedule["accessId"] ?? .null,
                    "principalId": schedule["principalId"] ?? .null, "groupId": schedule["groupId"] ?? .null,
                    "startDateTime": schedule["scheduleInfo"]?["startDateTime"] ?? .null,
                    "endDateTime": schedule["scheduleInfo"]?["expiration"]?["endDateTime"] ?? .null,
                    "memberType": schedule["memberType"] ?? "Direct",
                ]
                if eligibility {
                    instance["eligibilityScheduleId"] = schedule["id"] ?? .null
                } else {
                    instance["assignmentType"] = schedule["assignmentType"] ?? "Assigned"
                    instance["assignmentScheduleId"] = schedule["id"] ?? .null
                }
                return instance
            }
        }
    }

    /// An eligible user's activation of membership or ownership until `end` (seeding and
    /// incidents; applications cannot activate): an `Activated` schedule and the link it grants.
    mutating func activateGroupAccess(_ accessId: String, principal: String, group: String, requestId: String, start: Date, end: Date) {
        setGroupAccess(accessId, principal: principal, group: group, granted: true)
        insert(.privilegedAccessGroupAssignmentSchedule, [
            "id": .string(Self.groupScheduleId(group: group, accessId: accessId, suffix: requestId)),
            "accessId": .string(accessId), "principalId": .string(principal), "groupId": .string(group),
            "createdUsing": .string(requestId), "createdDateTime": .string(Timestamp.formatPrecise(start)),
            "modifiedDateTime": .null, "status": "Provisioned", "memberType": "Direct", "assignmentType": "Activated",
            "scheduleInfo": [
                "startDateTime": .string(Timestamp.formatPrecise(start)), "recurrence": .null,
                "expiration": ["type": "afterDateTime", "endDateTime": .string(Timestamp.format(end)), "duration": .null],
            ],
        ])
    }
}
