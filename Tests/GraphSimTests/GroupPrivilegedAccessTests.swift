import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

/// PIM for Groups as graph-sim serves it: the documented bodies, the `$filter` Graph requires,
/// activations that look like ordinary members, and the requests that change eligibility and
/// active membership or ownership.
@Suite("PIM for Groups")
struct GroupPrivilegedAccessTests {
    static let base = "/identityGovernance/privilegedAccess/group"
    static let permissions = [
        "Group.Read.All", "User.Read.All", "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
        "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
    ]

    static func tier0(_ session: GraphTestSession) async throws -> String {
        let groups = try await session.getAll("/groups?$filter=displayName eq 'Tier 0 Administrators'&$select=id")
        return try #require(groups.first?["id"]?.stringValue)
    }

    @Test("schedules and instances match the documented examples; lists need a groupId or principalId filter")
    func fidelity() async throws {
        try await TestSupport.withFixture(permissions: Self.permissions) { fixture in
            let session = try await fixture.session()
            let group = try await Self.tier0(session)
            let filter = "$filter=groupId eq '\(group)'"
            try FidelityTests.expectFaithful("privilegedaccessgroup-assignmentschedules-list.json",
                                             try await session.get("\(Self.base)/assignmentSchedules?\(filter)").json())
            try FidelityTests.expectFaithful("privilegedaccessgroup-assignmentscheduleinstances-list.json",
                                             try await session.get("\(Self.base)/assignmentScheduleInstances?\(filter)").json())
            for set in ["eligibilitySchedules", "eligibilityScheduleInstances", "assignmentSchedules", "assignmentScheduleInstances"] {
                #expect(try await session.get("\(Self.base)/\(set)").status == 400, "\(set) without a filter")
            }
            let eligible = try await session.getAll("\(Self.base)/eligibilitySchedules?\(filter)")
            #expect(eligible.count == 3)
            #expect(eligible.allSatisfy { $0["accessId"] == "member" && $0["groupId"]?.stringValue == group })
            let instances = try await session.getAll("\(Self.base)/eligibilityScheduleInstances?\(filter)")
            #expect(Set(instances.compactMap { $0["eligibilityScheduleId"]?.stringValue }) == Set(eligible.compactMap { $0["id"]?.stringValue }))
            // One schedule by id, and the same schedules found by principal.
            let first = try #require(eligible.first)
            let id = try #require(first["id"]?.stringValue)
            #expect(try await session.get("\(Self.base)/eligibilitySchedules/\(id)").json()["principalId"] == first["principalId"])
            let principal = try #require(first["principalId"]?.stringValue)
            let byPrincipal = try await session.getAll("\(Self.base)/eligibilitySchedules?$filter=principalId eq '\(principal)'")
            #expect(byPrincipal.contains { $0["id"]?.stringValue == id })
        }
        // Reading needs a PIM for Groups permission.
        try await TestSupport.withFixture(permissions: ["Group.Read.All"]) { fixture in
            let session = try await fixture.session()
            let group = try await Self.tier0(session)
            #expect(try await session.get("\(Self.base)/eligibilitySchedules?$filter=groupId eq '\(group)'").status == 403)
        }
    }

    @Test("an activation is an ordinary member; only PIM's schedule says Activated")
    func activationLooksLikeAMember() async throws {
        try await TestSupport.withFixture(permissions: Self.permissions) { fixture in
            let session = try await fixture.session()
            let group = try await Self.tier0(session)
            let active = try await session.getAll("\(Self.base)/assignmentSchedules?$filter=groupId eq '\(group)'")
            let activation = try #require(active.first { $0["assignmentType"] == "Activated" })
            #expect(activation["scheduleInfo"]?["expiration"]?["endDateTime"]?.stringValue != nil)
            let principal = try #require(activation["principalId"]?.stringValue)
            let members = try await session.getAll("/groups/\(group)/members?$select=id").compactMap { $0["id"]?.stringValue }
            #expect(members.contains(principal))
            // Every member shows as an active schedule, the activation once.
            let memberSchedules = active.filter { $0["accessId"] == "member" }
            #expect(Set(memberSchedules.compactMap { $0["principalId"]?.stringValue }) == Set(members))
            #expect(memberSchedules.count == members.count)
            let eligible = try await session.getAll("\(Self.base)/eligibilitySchedules?$filter=groupId eq '\(group)'")
            #expect(eligible.contains { $0["principalId"]?.stringValue == principal })
        }
    }

    @Test("adminAssign and adminRemove change eligibility and active membership with their bounds")
    func requests() async throws {
        try await TestSupport.withFixture(permissions: Self.permissions) { fixture in
            let session = try await fixture.session()
            let group = try await Self.tier0(session)
            let members = Set(try await session.getAll("/groups/\(group)/members?$select=id").compactMap { $0["id"]?.stringValue })
            let eligible = Set(try await session.getAll("\(Self.base)/eligibilitySchedules?$filter=groupId eq '\(group)'")
                .compactMap { $0["principalId"]?.stringValue })
            let user = try #require(try await session.getAll("/users?$filter=userType eq 'Member'&$select=id")
                .compactMap { $0["id"]?.stringValue }.last { !members.contains($0) && !eligible.contains($0) })
            let end = Timestamp.format(Date().addingTimeInterval(30 * 86_400))
            // The documented request's Pascal-case action and expiration type.
            let created = try await session.send("POST", "\(Self.base)/eligibilityScheduleRequests", json: [
                "accessId": "member", "principalId": .string(user), "groupId": .string(group), "action": "AdminAssign",
                "scheduleInfo": ["startDateTime": .string(Timestamp.format(Date())),
                                 "expiration": ["type": "AfterDateTime", "endDateTime": .string(end)]],
                "justification": "Assign eligible request.",
            ])
            #expect(created.status == 201)
            let request = try created.json()
            #expect(request["action"] == "adminAssign")
            #expect(request["scheduleInfo"]?["expiration"]?["type"] == "afterDateTime")
            let target = try #require(request["targetScheduleId"]?.stringValue)
            #expect(target.hasPrefix("\(group)_member_"))
            let schedule = try await session.get("\(Self.base)/eligibilitySchedules/\(target)").json()
            #expect(schedule["scheduleInfo"]?["expiration"]?["endDateTime"]?.stringValue == end)
            // Eligible is not a member.
            #expect(!(try await session.getAll("/groups/\(group)/members?$select=id")).contains { $0["id"]?.stringValue == user })
            let duplicate = try await session.send("POST", "\(Self.base)/eligibilityScheduleRequests", json: [
                "accessId": "member", "principalId": .string(user), "groupId": .string(group), "action": "adminAssign",
                "scheduleInfo": ["expiration": ["type": "noExpiration"]],
            ])
            #expect(duplicate.status == 400)
            #expect(try await session.send("POST", "\(Self.base)/eligibilityScheduleRequests", json: [
                "accessId": "visitor", "principalId": .string(user), "groupId": .string(group), "action": "adminAssign",
            ]).status == 400)
            #expect(try await session.send("POST", "\(Self.base)/assignmentScheduleRequests", json: [
                "accessId": "member", "principalId": .string(user), "groupId": .string(group), "action": "adminAssign",
                "scheduleInfo": ["expiration": ["type": "afterDateTime", "endDateTime": "2020-01-01T00:00:00Z"]],
            ]).status == 400)

            // A time-bound active ownership makes an owner now; adminRemove takes it away.
            let owner = try await session.send("POST", "\(Self.base)/assignmentScheduleRequests", json: [
                "accessId": "owner", "principalId": .string(user), "groupId": .string(group), "action": "adminAssign",
                "scheduleInfo": ["expiration": ["type": "afterDuration", "duration": "P7D"]], "justification": "On call",
            ])
            #expect(owner.status == 201)
            #expect(try await session.getAll("/groups/\(group)/owners?$select=id").contains { $0["id"]?.stringValue == user })
            let owned = try await session.getAll("\(Self.base)/assignmentScheduleInstances?$filter=groupId eq '\(group)' and principalId eq '\(user)'")
            #expect(owned.count == 1)
            #expect(owned.first?["accessId"] == "owner")
            #expect(owned.first?["endDateTime"]?.stringValue != nil)
            let removed = try await session.send("POST", "\(Self.base)/assignmentScheduleRequests", json: [
                "accessId": "owner", "principalId": .string(user), "groupId": .string(group), "action": "adminRemove",
            ])
            #expect(removed.status == 201)
            #expect(try removed.json()["status"] == "Revoked")
            #expect(!(try await session.getAll("/groups/\(group)/owners?$select=id")).contains { $0["id"]?.stringValue == user })
            // Applications cannot activate.
            #expect(try await session.send("POST", "\(Self.base)/assignmentScheduleRequests", json: [
                "accessId": "member", "principalId": .string(user), "groupId": .string(group), "action": "selfActivate",
            ]).status == 400)
        }
        // Writing needs the ReadWrite permission.
        try await TestSupport.withFixture(permissions: ["Group.Read.All", "PrivilegedEligibilitySchedule.Read.AzureADGroup"]) { fixture in
            let session = try await fixture.session()
            let group = try await Self.tier0(session)
            #expect(try await session.send("POST", "\(Self.base)/eligibilityScheduleRequests", json: [
                "accessId": "member", "principalId": .string(group), "groupId": .string(group), "action": "adminAssign",
            ]).status == 403)
        }
    }
}
