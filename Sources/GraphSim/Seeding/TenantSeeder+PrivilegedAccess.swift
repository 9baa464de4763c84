import Foundation

extension TenantSeeder {
    /// PIM role settings for every role definition (Graph's defaults; Global Administrator
    /// hardened as tenants usually have it), eligible admins (one of them for Global
    /// Administrator, currently activated), and a time-bound active assignment.
    mutating func seedPrivilegedAccess() {
        let definitions = directory.collection(.unifiedRoleDefinition).elements
        for definition in definitions {
            directory.addRoleSettings(roleDefinition: definition.id, policyId: "DirectoryRole_\(directory.tenantId)_\(newId())",
                                      modifiedBy: "MOD Administrator", at: pastTimestamp())
        }
        guard !profile.isEmpty else { return }

        // Eligible admins: IT staff beyond the ones with active roles, and a role-assignable group.
        // IT staff, or in a tenant too small to have an IT department, any member.
        // (Users already in the recycle bin are not candidates.)
        let members = memberUserIds.filter { directory.isLive($0) && $0 != adminUserId && $0 != breakGlassUserId }
        let itDepartment = members.filter { userDepartments[$0] == "IT" }
        let itStaff = itDepartment.count >= 3 ? itDepartment : members
        let eligibleRoles = ["fe930be7-5e62-47db-91af-98c3a49a38b1", "194ae4cb-b126-40b2-bd5b-6091b380977d",
                             "f2ef992c-3afb-46b9-b7cf-a126ee74c451", "5d6b6bb7-de71-4623-b4af-96380a352509",
                             "b0f54661-2d74-4c50-afa3-1ec803f12efe", "158c047a-c907-4556-b7ef-446551a6b5f7"]
        let eligibleCount = min(itStaff.count, max(3, profile.users / 300))
        let eligibleUsers = Array(itStaff.reversed().prefix(eligibleCount))
        for (index, user) in eligibleUsers.enumerated() {
            let role = index == 0 ? WellKnown.globalAdministratorTemplate : eligibleRoles[index % eligibleRoles.count]
            // Most eligibilities are permanent; Global Administrator's settings require an end, and
            // some others run out within the year, as reviews require.
            let end = index == 0 || index % 3 == 2 ? now.addingTimeInterval(Double(30 + random.below(300)) * 86_400) : nil
            addEligibility(principal: user, role: role, end: end)
        }
        if let group = roleAssignableGroupIds.last {
            addEligibility(principal: group, role: "fe930be7-5e62-47db-91af-98c3a49a38b1", end: nil)
        }
        // The eligible Global Administrator is working now: the activation is an ordinary role
        // assignment to /roleAssignments, and only PIM's instances say it is not permanent.
        if let activeAdmin = eligibleUsers.first {
            directory.activateEligibleRole(principal: activeAdmin, roleDefinition: WellKnown.globalAdministratorTemplate,
                                           scheduleId: newId(), start: now.addingTimeInterval(-3_600),
                                           end: now.addingTimeInterval(7 * 3_600))
        }
        // A contractor with an active, time-bound Security Reader assignment.
        if let contractor = members.dropFirst(3).first(where: { userDepartments[$0] != "IT" && !eligibleUsers.contains($0) }) {
            let scheduleId = newId()
            let start = now.addingTimeInterval(-20 * 86_400)
            let end = now.addingTimeInterval(70 * 86_400)
            let role = "5d6b6bb7-de71-4623-b4af-96380a352509"
            // The seeder's own ids activate the role, so the directory's random stream (incidents) is untouched.
            addRoleAssignment(principal: contractor, roleDefinition: role, scope: "/")
            let assignmentId = ObjectTemplates.compositeId([role, contractor]) + "-1"
            directory.insert(.unifiedRoleAssignmentSchedule, [
                "id": .string(scheduleId), "principalId": .string(contractor), "roleDefinitionId": .string(role),
                "directoryScopeId": "/", "appScopeId": .null, "createdUsing": .string(scheduleId),
                "createdDateTime": .string(Timestamp.formatPrecise(start)), "modifiedDateTime": .null,
                "status": "Provisioned", "assignmentType": "Assigned", "memberType": "Direct",
                "scheduleInfo": Self.schedule(start: start, end: end),
            ])
            directory.insert(.unifiedRoleAssignmentScheduleInstance, [
                "id": .string(assignmentId), "principalId": .string(contractor), "roleDefinitionId": .string(role),
                "directoryScopeId": "/", "appScopeId": .null, "assignmentType": "Assigned",
                "endDateTime": .string(Timestamp.format(end)), "memberType": "Direct",
                "roleAssignmentOriginId": .string(assignmentId), "roleAssignmentScheduleId": .string(scheduleId),
                "startDateTime": .string(Timestamp.formatPrecise(start)),
            ])
        }
    }

    mutating func addEligibility(principal: String, role: String, end: Date?) {
        let id = newId()
        let start = now.addingTimeInterval(-Double(10 + random.below(200)) * 86_400)
        directory.insert(.unifiedRoleEligibilitySchedule, [
            "id": .string(id), "principalId": .string(principal), "roleDefinitionId": .string(role),
            "directoryScopeId": "/", "appScopeId": .null, "createdUsing": .string(id),
            "createdDateTime": .string(Timestamp.formatPrecise(start)), "modifiedDateTime": .null,
            "status": "Provisioned", "memberType": "Direct", "scheduleInfo": Self.schedule(start: start, end: end),
        ])
    }

    static func schedule(start: Date, end: Date?) -> JSONValue {
        [
            "startDateTime": .string(Timestamp.formatPrecise(start)), "recurrence": .null,
            "expiration": [
                "type": end == nil ? "noExpiration" : "afterDateTime",
                "endDateTime": end.map { .string(Timestamp.format($0)) } ?? .null, "duration": .null,
            ],
        ]
    }
}

extension TenantSeeder {
    /// PIM for Groups on the role-assignable groups: eligible members (one of them activated now,
    /// one eligibility running out), an eligible owner, and a time-bound active member.
    mutating func seedGroupPrivilegedAccess() {
        guard !profile.isEmpty, let tier0 = roleAssignableGroupIds.first else { return }
        let members = memberUserIds.filter { directory.isLive($0) && $0 != adminUserId && $0 != breakGlassUserId }
        let itDepartment = members.filter { userDepartments[$0] == "IT" }
        let candidates = (itDepartment.count >= 4 ? itDepartment : members).filter {
            !directory.memberships.contains(tier0, $0)
        }
        guard candidates.count >= 3 else { return }
        let eligible = Array(candidates.prefix(3))
        for (index, user) in eligible.enumerated() {
            addGroupEligibility("member", principal: user, group: tier0,
                                end: index == 2 ? now.addingTimeInterval(Double(20 + random.below(100)) * 86_400) : nil)
        }
        // The first eligible member is working now: an activation, seen in group.members as an ordinary member.
        directory.activateGroupAccess("member", principal: eligible[0], group: tier0, requestId: newId(),
                                      start: now.addingTimeInterval(-1_800), end: now.addingTimeInterval(4 * 3_600))
        guard roleAssignableGroupIds.count > 1 else { return }
        let helpdesk = roleAssignableGroupIds[1]
        addGroupEligibility("owner", principal: eligible[1], group: helpdesk, end: nil)
        // A contractor is an active member of the helpdesk group for a quarter.
        if let contractor = members.first(where: { userDepartments[$0] != "IT" && !directory.memberships.contains(helpdesk, $0) }) {
            let requestId = newId()
            let start = now.addingTimeInterval(-15 * 86_400)
            directory.memberships.add(helpdesk, contractor)
            directory.insert(.privilegedAccessGroupAssignmentSchedule, [
                "id": .string(TenantDirectory.groupScheduleId(group: helpdesk, accessId: "member", suffix: requestId)),
                "accessId": "member", "principalId": .string(contractor), "groupId": .string(helpdesk),
                "createdUsing": .string(requestId), "createdDateTime": .string(Timestamp.formatPrecise(start)),
                "modifiedDateTime": .null, "status": "Provisioned", "memberType": "Direct", "assignmentType": "Assigned",
                "scheduleInfo": Self.schedule(start: start, end: now.addingTimeInterval(75 * 86_400)),
            ])
        }
    }

    mutating func addGroupEligibility(_ accessId: String, principal: String, group: String, end: Date?) {
        let requestId = newId()
        let start = now.addingTimeInterval(-Double(10 + random.below(200)) * 86_400)
        directory.insert(.privilegedAccessGroupEligibilitySchedule, [
            "id": .string(TenantDirectory.groupScheduleId(group: group, accessId: accessId, suffix: requestId)),
            "accessId": .string(accessId), "principalId": .string(principal), "groupId": .string(group),
            "createdUsing": .string(requestId), "createdDateTime": .string(Timestamp.formatPrecise(start)),
            "modifiedDateTime": .null, "status": "Provisioned", "memberType": "Direct",
            "scheduleInfo": Self.schedule(start: start, end: end),
        ])
    }
}
