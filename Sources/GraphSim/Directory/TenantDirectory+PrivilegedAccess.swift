import Foundation

/// PIM for Entra roles as Graph serves it: schedule requests (`adminAssign`, `adminRemove`)
/// checked against the role's settings, the schedules they create, and the instances derived from
/// them. Every direct role assignment also shows as a permanent `Assigned` schedule and instance;
/// an activation shows as an `Activated` instance backed by an ordinary role assignment.
extension TenantDirectory {
    /// A schedule's start and end (nil end: no expiration).
    struct ScheduleBounds {
        var start: Date
        var end: Date?
        var expirationType: String
    }

    static func scheduleBounds(_ info: JSONValue?, now: Date) throws -> ScheduleBounds {
        guard let info, !info.isNull else { return ScheduleBounds(start: now, end: nil, expirationType: "noExpiration") }
        guard info.objectValue != nil else { throw GraphError.badRequest("Property 'scheduleInfo' must be a requestSchedule object.") }
        var start = now
        if let text = info["startDateTime"]?.stringValue {
            guard let parsed = Timestamp.parse(text) else {
                throw GraphError.badRequest("Cannot convert the literal '\(text)' to the expected type 'Edm.DateTimeOffset'.")
            }
            start = parsed
        }
        let expiration = info["expiration"]
        let type = expiration?["type"]?.stringValue ?? "noExpiration"
        switch type {
        case "noExpiration":
            return ScheduleBounds(start: start, end: nil, expirationType: type)
        case "afterDateTime":
            guard let text = expiration?["endDateTime"]?.stringValue, let end = Timestamp.parse(text) else {
                throw GraphError.badRequest("Property 'endDateTime' is required when the expiration type is afterDateTime.")
            }
            return ScheduleBounds(start: start, end: end, expirationType: type)
        case "afterDuration":
            guard let text = expiration?["duration"]?.stringValue, let seconds = isoDurationSeconds(text) else {
                throw GraphError.badRequest("Property 'duration' must be an ISO 8601 duration when the expiration type is afterDuration.")
            }
            return ScheduleBounds(start: start, end: start.addingTimeInterval(seconds), expirationType: type)
        default:
            throw GraphError.badRequest("Invalid value '\(type)' for property 'expiration.type'.")
        }
    }

    /// `P365D`, `PT8H`, `P1DT12H30M`: the seconds of an ISO 8601 duration without years or months.
    static func isoDurationSeconds(_ text: String) -> TimeInterval? {
        guard text.hasPrefix("P") else { return nil }
        var seconds: TimeInterval = 0
        var number = ""
        var inTime = false
        var sawUnit = false
        for character in text.dropFirst() {
            if character == "T" { inTime = true; continue }
            if character.isNumber || character == "." { number.append(character); continue }
            guard let value = Double(number), value >= 0, value < 100_000 else { return nil }
            number = ""
            sawUnit = true
            switch (inTime, character) {
            case (false, "W"): seconds += value * 604_800
            case (false, "D"): seconds += value * 86_400
            case (true, "H"): seconds += value * 3_600
            case (true, "M"): seconds += value * 60
            case (true, "S"): seconds += value
            default: return nil
            }
        }
        return number.isEmpty && sawUnit ? seconds : nil
    }

    /// The role settings rule `ruleId` of the policy assigned to `roleDefinition`.
    func policyRule(roleDefinition: String, ruleId: String) -> JSONObject? {
        guard let assignment = collection(.unifiedRoleManagementPolicyAssignment).all(where: {
            $0.object["roleDefinitionId"]?.stringValue?.lowercased() == roleDefinition.lowercased()
        }).first, let policy = assignment.object["policyId"]?.stringValue else { return nil }
        return entity(.unifiedRoleManagementPolicyRule, ruleId, parent: policy)?.object
    }

    /// The rules an admin request breaks, named as Graph names them.
    func failedRules(eligibility: Bool, roleDefinition: String, bounds: ScheduleBounds, justification: String?) -> [String] {
        let level = eligibility ? "Eligibility" : "Assignment"
        var failed: [String] = []
        if let rule = policyRule(roleDefinition: roleDefinition, ruleId: "Expiration_Admin_\(level)") {
            if rule["isExpirationRequired"]?.boolValue == true && bounds.end == nil {
                failed.append("ExpirationRule")
            } else if let end = bounds.end, let maximum = rule["maximumDuration"]?.stringValue.flatMap(Self.isoDurationSeconds),
                      end.timeIntervalSince(bounds.start) > maximum + 1 {
                failed.append("ExpirationRule")
            }
        }
        if let rule = policyRule(roleDefinition: roleDefinition, ruleId: "Enablement_Admin_\(level)"),
           rule["enabledRules"]?.stringArray.contains("Justification") == true,
           (justification ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            failed.append("JustificationRule")
        }
        return failed
    }

    static func matches(_ object: JSONObject, principal: String, role: String, scope: String) -> Bool {
        object["principalId"]?.stringValue?.lowercased() == principal.lowercased()
            && object["roleDefinitionId"]?.stringValue?.lowercased() == role.lowercased()
            && (object["directoryScopeId"]?.stringValue ?? "/") == scope
    }

    static func requestSchedule(_ bounds: ScheduleBounds, duration: JSONValue) -> JSONValue {
        [
            "startDateTime": .string(Timestamp.formatPrecise(bounds.start)),
            "recurrence": .null,
            "expiration": [
                "type": .string(bounds.expirationType),
                "endDateTime": bounds.end.map { .string(Timestamp.format($0)) } ?? .null,
                "duration": duration,
            ],
        ]
    }

    /// Handles a `roleEligibilityScheduleRequests` or `roleAssignmentScheduleRequests` POST.
    mutating func submitScheduleRequest(_ type: ResourceType, _ body: JSONObject, caller: (id: String, displayName: String),
                                        now: Date) throws -> Entity {
        let eligibility = type == .unifiedRoleEligibilityScheduleRequest
        for member in body where member.key != "@odata.type" && !type.isKnownProperty(member.key) {
            throw GraphError.badRequest("Property '\(member.key)' does not exist as a declared property or extension property.")
        }
        guard let action = body["action"]?.stringValue else {
            throw GraphError.badRequest("Property 'action' is required.")
        }
        guard let principal = body["principalId"]?.stringValue, !principal.isEmpty else {
            throw GraphError.badRequest("Property 'principalId' is required.")
        }
        guard let role = body["roleDefinitionId"]?.stringValue, !role.isEmpty else {
            throw GraphError.badRequest("Property 'roleDefinitionId' is required.")
        }
        guard let scope = body["directoryScopeId"]?.stringValue ?? body["appScopeId"]?.stringValue else {
            throw GraphError.badRequest("Either 'directoryScopeId' or 'appScopeId' is required.")
        }
        guard entity(.unifiedRoleDefinition, role) != nil else { throw GraphError.notFound(role) }
        guard isLive(principal) else { throw GraphError.notFound(principal) }
        if scope.hasPrefix("/administrativeUnits/"), entity(.administrativeUnit, String(scope.dropFirst(21))) == nil {
            throw GraphError.notFound(scope)
        }
        let scheduleType: ResourceType = eligibility ? .unifiedRoleEligibilitySchedule : .unifiedRoleAssignmentSchedule
        let existing = collection(scheduleType).all { Self.matches($0.object, principal: principal, role: role, scope: scope) }
            .filter { schedule in
                guard let end = schedule.object["scheduleInfo"]?["expiration"]?["endDateTime"]?.stringValue.flatMap(Timestamp.parse)
                else { return true }
                return end > now
            }
        let directAssignment = eligibility ? nil : collection(.unifiedRoleAssignment).all {
            Self.matches($0.object, principal: principal, role: role, scope: scope)
        }.first
        let id = newId()
        var request: JSONObject = [
            "id": .string(id), "status": "Provisioned", "createdDateTime": .string(Timestamp.formatPrecise(now)),
            "completedDateTime": .string(Timestamp.formatPrecise(now)), "approvalId": .null, "customData": .null,
            "action": .string(action), "principalId": .string(principal), "roleDefinitionId": .string(role),
            "directoryScopeId": .string(scope), "appScopeId": .null, "isValidationOnly": false,
            "targetScheduleId": .null, "justification": body["justification"] ?? .null,
            "createdBy": ["application": ["displayName": .string(caller.displayName), "id": .string(caller.id)],
                          "device": .null, "user": .null],
            "scheduleInfo": .null, "ticketInfo": body["ticketInfo"] ?? ["ticketNumber": .null, "ticketSystem": .null],
        ]
        switch action {
        case "adminAssign":
            let bounds = try Self.scheduleBounds(body["scheduleInfo"], now: now)
            if let end = bounds.end, end <= now {
                throw GraphError(status: 400, code: "InvalidScheduleInfo", message: "The expiration of the schedule is in the past.")
            }
            if !existing.isEmpty || directAssignment != nil {
                throw GraphError(status: 400, code: "RoleAssignmentExists", message: "The Role assignment already exists.")
            }
            let failed = failedRules(eligibility: eligibility, roleDefinition: role, bounds: bounds,
                                     justification: body["justification"]?.stringValue)
            if !failed.isEmpty {
                throw GraphError(status: 400, code: "RoleAssignmentRequestPolicyValidationFailed",
                                 message: "The following policy rules failed: [\(failed.map { "\"\($0)\"" }.joined(separator: ","))]")
            }
            let schedule = Self.requestSchedule(bounds, duration: body["scheduleInfo"]?["expiration"]?["duration"] ?? .null)
            request["scheduleInfo"] = schedule
            request["targetScheduleId"] = .string(id)
            if body["isValidationOnly"]?.boolValue == true {
                request["isValidationOnly"] = true
                request["targetScheduleId"] = .null
                return Entity(id: id, object: request, version: 0)
            }
            var stored: JSONObject = [
                "id": .string(id), "principalId": .string(principal), "roleDefinitionId": .string(role),
                "directoryScopeId": .string(scope), "appScopeId": .null, "createdUsing": .string(id),
                "createdDateTime": .string(Timestamp.formatPrecise(now)), "modifiedDateTime": .null,
                "status": "Provisioned",
            ]
            if !eligibility { stored["assignmentType"] = "Assigned" }
            stored["memberType"] = "Direct"
            stored["scheduleInfo"] = schedule
            insert(scheduleType, stored)
            if !eligibility {
                // An active schedule grants the role now, through an ordinary role assignment.
                let assignment = assignRole(principal: principal, roleDefinition: role, scope: scope)
                insert(.unifiedRoleAssignmentScheduleInstance, [
                    "id": .string(assignment.id), "principalId": .string(principal), "roleDefinitionId": .string(role),
                    "directoryScopeId": .string(scope), "appScopeId": .null,
                    "assignmentType": "Assigned",
                    "endDateTime": bounds.end.map { .string(Timestamp.format($0)) } ?? .null, "memberType": "Direct",
                    "roleAssignmentOriginId": .string(assignment.id), "roleAssignmentScheduleId": .string(id),
                    "startDateTime": .string(Timestamp.formatPrecise(bounds.start)),
                ])
            }
        case "adminRemove":
            if existing.isEmpty && directAssignment == nil {
                throw GraphError(status: 400, code: "RoleAssignmentDoesNotExist", message: "The Role assignment does not exist.")
            }
            for schedule in existing {
                remove(scheduleType, schedule.id)
                if !eligibility { removeActiveInstances(schedule: schedule.id) }
            }
            if let directAssignment, !eligibility { unassignRole(directAssignment) }
            request["status"] = "Revoked"
            request["completedDateTime"] = .null
        case "selfActivate", "selfDeactivate", "selfExtend", "selfRenew":
            throw GraphError(status: 400, code: "InvalidRequest",
                             message: "The action '\(action)' needs a signed-in user; application permissions cannot use it.")
        case "adminUpdate", "adminExtend", "adminRenew":
            throw GraphError(status: 501, code: "NotImplemented", message: "graph-sim does not implement the action '\(action)'.")
        default:
            throw GraphError.badRequest("Invalid value '\(action)' for property 'action'.")
        }
        return insert(type, request)
    }

    /// Removes the stored instances of an active schedule and the role assignments they grant.
    mutating func removeActiveInstances(schedule: String) {
        for instance in collection(.unifiedRoleAssignmentScheduleInstance).all(where: {
            $0.object["roleAssignmentScheduleId"]?.stringValue == schedule
        }) {
            remove(.unifiedRoleAssignmentScheduleInstance, instance.id)
            if let origin = instance.object["roleAssignmentOriginId"]?.stringValue, let assignment = entity(.unifiedRoleAssignment, origin) {
                unassignRole(assignment)
            }
        }
    }

    /// What Graph lists for a PIM type at `now`: stored schedules and instances that have not
    /// expired (and whose role assignment still exists), plus the permanent schedule and instance
    /// of every role assignment made without PIM.
    func privilegedAccessView(_ type: ResourceType, now: Date) -> [JSONObject] {
        func live(_ end: String?) -> Bool { end.flatMap(Timestamp.parse).map { $0 > now } ?? true }
        switch type {
        case .unifiedRoleEligibilitySchedule:
            // Expired schedules, and those of deleted principals, are gone for Graph.
            return collection(type).elements.map(\.object).filter {
                live($0["scheduleInfo"]?["expiration"]?["endDateTime"]?.stringValue)
                    && isLive($0["principalId"]?.stringValue ?? "")
            }
        case .unifiedRoleEligibilityScheduleInstance:
            return privilegedAccessView(.unifiedRoleEligibilitySchedule, now: now).map { schedule in
                let id = schedule["id"]?.stringValue ?? ""
                let role = schedule["roleDefinitionId"]?.stringValue ?? ""
                let principal = schedule["principalId"]?.stringValue ?? ""
                // Graph's instance ids join the role and principal GUIDs (as role assignment ids do).
                var instanceId = ObjectTemplates.compositeId([role, principal]) + "-1-e"
                if schedule["directoryScopeId"]?.stringValue != "/" { instanceId += "-" + String(id.prefix(8)) }
                return [
                    "id": .string(instanceId),
                    "principalId": schedule["principalId"] ?? .null, "roleDefinitionId": schedule["roleDefinitionId"] ?? .null,
                    "directoryScopeId": schedule["directoryScopeId"] ?? .null, "appScopeId": schedule["appScopeId"] ?? .null,
                    "startDateTime": schedule["scheduleInfo"]?["startDateTime"] ?? .null,
                    "endDateTime": schedule["scheduleInfo"]?["expiration"]?["endDateTime"] ?? .null,
                    "memberType": schedule["memberType"] ?? "Direct", "roleEligibilityScheduleId": .string(id),
                ]
            }
        case .unifiedRoleAssignmentScheduleInstance:
            var covered = Set<String>()
            var result: [JSONObject] = []
            for instance in collection(type).elements {
                guard let origin = instance.object["roleAssignmentOriginId"]?.stringValue else { continue }
                // An expired activation's assignment is gone for Graph even before it is removed here.
                covered.insert(origin)
                guard entity(.unifiedRoleAssignment, origin) != nil, live(instance.object["endDateTime"]?.stringValue) else { continue }
                result.append(instance.object)
            }
            for assignment in collection(.unifiedRoleAssignment).elements where !covered.contains(assignment.id) {
                let object = assignment.object
                result.append([
                    "id": .string(assignment.id), "principalId": object["principalId"] ?? .null,
                    "roleDefinitionId": object["roleDefinitionId"] ?? .null,
                    "directoryScopeId": object["directoryScopeId"] ?? .null, "appScopeId": .null,
                    "startDateTime": .null, "endDateTime": .null, "assignmentType": "Assigned", "memberType": "Direct",
                    "roleAssignmentOriginId": .string(assignment.id), "roleAssignmentScheduleId": .string(assignment.id),
                ])
            }
            return result
        case .unifiedRoleAssignmentSchedule:
            let instances = privilegedAccessView(.unifiedRoleAssignmentScheduleInstance, now: now)
            var result: [JSONObject] = []
            for instance in instances {
                let scheduleId = instance["roleAssignmentScheduleId"]?.stringValue ?? ""
                if let stored = entity(type, scheduleId) {
                    result.append(stored.object)
                    continue
                }
                result.append([
                    "id": .string(scheduleId), "principalId": instance["principalId"] ?? .null,
                    "roleDefinitionId": instance["roleDefinitionId"] ?? .null,
                    "directoryScopeId": instance["directoryScopeId"] ?? .null, "appScopeId": .null,
                    "createdUsing": .null, "createdDateTime": .null, "modifiedDateTime": .null, "status": "Provisioned",
                    "assignmentType": "Assigned", "memberType": "Direct",
                    "scheduleInfo": [
                        "startDateTime": .null, "recurrence": .null,
                        "expiration": ["type": "noExpiration", "endDateTime": .null, "duration": .null],
                    ],
                ])
            }
            return result
        default:
            return collection(type).elements.map(\.object)
        }
    }

    /// An eligible admin's activation: an active `Activated` schedule and instance and the role
    /// assignment it grants until `end` (seeding and incidents; applications cannot activate).
    @discardableResult
    mutating func activateEligibleRole(principal: String, roleDefinition: String, scheduleId: String, start: Date,
                                       end: Date) -> Entity {
        let assignment = assignRole(principal: principal, roleDefinition: roleDefinition, scope: "/")
        insert(.unifiedRoleAssignmentSchedule, [
            "id": .string(scheduleId), "principalId": .string(principal), "roleDefinitionId": .string(roleDefinition),
            "directoryScopeId": "/", "appScopeId": .null, "createdUsing": .string(scheduleId),
            "createdDateTime": .string(Timestamp.formatPrecise(start)), "modifiedDateTime": .null, "status": "Provisioned",
            "assignmentType": "Activated", "memberType": "Direct",
            "scheduleInfo": [
                "startDateTime": .string(Timestamp.formatPrecise(start)), "recurrence": .null,
                "expiration": ["type": "afterDateTime", "endDateTime": .string(Timestamp.format(end)), "duration": .null],
            ],
        ])
        insert(.unifiedRoleAssignmentScheduleInstance, [
            "id": .string(assignment.id), "principalId": .string(principal), "roleDefinitionId": .string(roleDefinition),
            "directoryScopeId": "/", "appScopeId": .null, "assignmentType": "Activated",
            "endDateTime": .string(Timestamp.format(end)), "memberType": "Direct",
            "roleAssignmentOriginId": .string(assignment.id), "roleAssignmentScheduleId": .string(scheduleId),
            "startDateTime": .string(Timestamp.formatPrecise(start)),
        ])
        return assignment
    }

    /// Roles whose settings Entra's defaults harden: approval, MFA and a ticket on activation.
    static let hardenedRoles: Set<String> = ["62e90394-69f5-4237-9190-012177145e10", "e8611ab8-c189-46e8-94e1-60213ab1f814"]

    /// The PIM settings policy Entra gives every role definition, with its rules and its
    /// assignment to the role. `modifiedBy` and `at` mark a hardened policy as changed by an admin.
    mutating func addRoleSettings(roleDefinition: String, policyId: String, modifiedBy: String?, at: String?) {
        let hardened = Self.hardenedRoles.contains(roleDefinition.lowercased())
        insert(.unifiedRoleManagementPolicy, [
            "id": .string(policyId), "displayName": "DirectoryRole", "description": "DirectoryRole",
            "isOrganizationDefault": false, "scopeId": "/", "scopeType": "DirectoryRole",
            "lastModifiedDateTime": hardened ? at.map(JSONValue.string) ?? .null : .null,
            "lastModifiedBy": ["displayName": hardened ? modifiedBy.map(JSONValue.string) ?? .null : .null, "id": .null],
        ])
        for rule in Self.defaultRules(hardened: hardened) {
            insert(.unifiedRoleManagementPolicyRule, rule, parent: policyId)
        }
        insert(.unifiedRoleManagementPolicyAssignment, [
            "id": .string("\(policyId)_\(roleDefinition)"), "policyId": .string(policyId),
            "roleDefinitionId": .string(roleDefinition), "scopeId": "/", "scopeType": "DirectoryRole",
        ])
    }

    /// Removes a deleted custom role's settings policy.
    mutating func removeRoleSettings(roleDefinition: String) {
        for assignment in collection(.unifiedRoleManagementPolicyAssignment).all(where: {
            $0.object["roleDefinitionId"]?.stringValue?.lowercased() == roleDefinition.lowercased()
        }) {
            remove(.unifiedRoleManagementPolicyAssignment, assignment.id)
            guard let policy = assignment.object["policyId"]?.stringValue else { continue }
            for rule in collection(.unifiedRoleManagementPolicyRule, parent: policy).elements {
                remove(.unifiedRoleManagementPolicyRule, rule.id, parent: policy)
            }
            remove(.unifiedRoleManagementPolicy, policy)
        }
    }

    /// The rules Entra gives every role (the documented list of `rules`), hardened for the most
    /// privileged roles: approval, MFA and a ticket on activation, expiring eligibility.
    static func defaultRules(hardened: Bool) -> [JSONObject] {
        func target(_ caller: String, _ level: String) -> JSONValue {
            ["caller": .string(caller), "operations": ["all"], "level": .string(level), "inheritableSettings": [],
             "enforcedSettings": []]
        }
        func notification(_ recipient: String, _ caller: String, _ level: String) -> JSONObject {
            ["@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyNotificationRule",
             "id": .string("Notification_\(recipient)_\(caller)_\(level)"), "notificationType": "Email",
             "recipientType": .string(recipient), "notificationLevel": "All", "isDefaultRecipientsEnabled": true,
             "notificationRecipients": [], "target": target(caller, level)]
        }
        let expiration = "#microsoft.graph.unifiedRoleManagementPolicyExpirationRule"
        let enablement = "#microsoft.graph.unifiedRoleManagementPolicyEnablementRule"
        var rules: [JSONObject] = [
            ["@odata.type": .string(expiration), "id": "Expiration_Admin_Eligibility", "isExpirationRequired": .bool(hardened),
             "maximumDuration": "P365D", "target": target("Admin", "Eligibility")],
            ["@odata.type": .string(enablement), "id": "Enablement_Admin_Eligibility", "enabledRules": [],
             "target": target("Admin", "Eligibility")],
        ]
        rules += ["Admin", "Requestor", "Approver"].map { notification($0, "Admin", "Eligibility") }
        rules += [
            ["@odata.type": .string(expiration), "id": "Expiration_Admin_Assignment", "isExpirationRequired": .bool(hardened),
             "maximumDuration": "P180D", "target": target("Admin", "Assignment")],
            ["@odata.type": .string(enablement), "id": "Enablement_Admin_Assignment",
             "enabledRules": hardened ? ["Justification", "MultiFactorAuthentication"] : ["Justification"],
             "target": target("Admin", "Assignment")],
        ]
        rules += ["Admin", "Requestor", "Approver"].map { notification($0, "Admin", "Assignment") }
        rules += [
            ["@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyApprovalRule", "id": "Approval_EndUser_Assignment",
             "setting": [
                "isApprovalRequired": .bool(hardened), "isApprovalRequiredForExtension": false,
                "isRequestorJustificationRequired": true, "approvalMode": "SingleStage",
                "approvalStages": [[
                    "approvalStageTimeOutInDays": 1, "isApproverJustificationRequired": true,
                    "escalationTimeInMinutes": 0, "isEscalationEnabled": false, "primaryApprovers": [],
                    "escalationApprovers": [],
                ]],
             ], "target": target("EndUser", "Assignment")],
            ["@odata.type": "#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule",
             "id": "AuthenticationContext_EndUser_Assignment", "isEnabled": false, "claimValue": "",
             "target": target("EndUser", "Assignment")],
            ["@odata.type": .string(enablement), "id": "Enablement_EndUser_Assignment",
             "enabledRules": hardened ? ["MultiFactorAuthentication", "Justification", "Ticketing"]
                                      : ["MultiFactorAuthentication", "Justification"],
             "target": target("EndUser", "Assignment")],
            ["@odata.type": .string(expiration), "id": "Expiration_EndUser_Assignment", "isExpirationRequired": true,
             "maximumDuration": hardened ? "PT4H" : "PT8H", "target": target("EndUser", "Assignment")],
        ]
        rules += ["Admin", "Requestor", "Approver"].map { notification($0, "EndUser", "Assignment") }
        return rules
    }
}
