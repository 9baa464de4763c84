import Foundation
import Graph
import GraphSim
import JSON
@testable import Restore
import Testing
import Vault

/// PIM for Groups restore: eligible and time-bound active membership and ownership come back as
/// schedules with their original end, an activated membership never comes back (not even as an
/// ordinary member), expired schedules are reported.
@Suite("PIM for Groups restore", .serialized)
struct GroupPrivilegedAccessRestoreTests {
    static let base = "/identityGovernance/privilegedAccess/group"

    static func schedule(_ id: String, group: String, principal: String, accessId: String = "member", end: String?,
                         assignmentType: String? = nil) throws -> CanonicalJSON {
        let expiration = end.map { "{\"type\":\"afterDateTime\",\"endDateTime\":\"\($0)\",\"duration\":null}" }
            ?? "{\"type\":\"noExpiration\",\"endDateTime\":null,\"duration\":null}"
        let type = assignmentType.map { ",\"assignmentType\":\"\($0)\"" } ?? ""
        return try CanonicalJSON.parse(Array("""
            {"id":"\(id)","groupId":"\(group)","principalId":"\(principal)","accessId":"\(accessId)","status":"Provisioned",
             "memberType":"Direct"\(type),"scheduleInfo":{"startDateTime":"2026-01-01T00:00:00Z","recurrence":null,"expiration":\(expiration)}}
            """.utf8))
    }

    static func object(_ text: String) throws -> CanonicalJSON { try CanonicalJSON.parse(Array(text.utf8)) }

    @Test("planning: an activated member is neither relinked nor scheduled; time-bound and eligible access become schedules")
    func planning() throws {
        let group = "aaaaaaaa-0000-4000-8000-000000000001"
        let activated = "11111111-1111-4111-8111-111111111111"
        let timeBound = "22222222-2222-4222-8222-222222222222"
        let permanent = "33333333-3333-4333-8333-333333333333"
        let now = try #require(GraphTimestamp.parse("2026-06-01T00:00:00Z"))
        var source = TenantObjects()
        source["group"] = [group: try Self.object("{\"id\":\"\(group)\",\"displayName\":\"Tier 0\",\"groupTypes\":[]}")]
        source["user"] = Dictionary(uniqueKeysWithValues: try [activated, timeBound, permanent].map {
            ($0, try Self.object("{\"id\":\"\($0)\",\"userPrincipalName\":\"\($0.prefix(4))@contoso.com\"}"))
        })
        source["group.members"] = Dictionary(uniqueKeysWithValues: try [activated, timeBound, permanent].map {
            ("\(group)/\($0)", try Self.object("{\"id\":\"\($0)\"}"))
        })
        source["group.assignmentSchedules"] = [
            "\(group)/a-activated": try Self.schedule("a-activated", group: group, principal: activated, end: "2026-06-01T04:00:00Z",
                                                      assignmentType: "Activated"),
            "\(group)/a-timebound": try Self.schedule("a-timebound", group: group, principal: timeBound, end: "2026-08-01T00:00:00Z",
                                                      assignmentType: "Assigned"),
            "\(group)/a-permanent": try Self.schedule("a-permanent", group: group, principal: permanent, end: nil, assignmentType: "Assigned"),
        ]
        source["group.eligibilitySchedules"] = [
            "\(group)/e-live": try Self.schedule("e-live", group: group, principal: activated, end: nil),
            "\(group)/e-owner": try Self.schedule("e-owner", group: group, principal: permanent, accessId: "owner", end: "2026-07-01T00:00:00Z"),
            "\(group)/e-expired": try Self.schedule("e-expired", group: group, principal: timeBound, end: "2026-05-01T00:00:00Z"),
        ]
        var target = TenantObjects()
        target["group"] = source["group"]
        target["user"] = source["user"]
        target["group.members"] = [:]
        target["group.assignmentSchedules"] = [:]
        target["group.eligibilitySchedules"] = [:]
        let types: Set<String> = ["group", "group.members", "group.eligibilitySchedules", "group.assignmentSchedules"]
        var context = PlanningContext(scope: .wholeTenant, types: types, source: source, target: target, deleted: [:],
                                      sameTenant: true, rewrites: [:])
        context.matchObjects()
        context.planRelationships()
        context.planSchedules(now: now)
        let planned = Set(context.steps.map { "\($0.action) \($0.type) \($0.sourceKey)" })
        #expect(planned == [
            "addReference group.members \(group)/\(permanent)",
            "create group.assignmentSchedules \(group)/a-timebound",
            "create group.eligibilitySchedules \(group)/e-live",
            "create group.eligibilitySchedules \(group)/e-owner",
        ])
        let reported = Dictionary(grouping: context.actions, by: \.objectID)
        #expect(reported["\(group)/\(activated)"]?.first?.action.contains("activation") == true)
        #expect(reported["\(group)/a-activated"]?.first?.action.contains("activation") == true)
        #expect(reported["\(group)/e-expired"]?.first?.action.contains("expired") == true)
        #expect(reported["\(group)/\(timeBound)"] == nil)
    }

    @Test("planning: a member PIM manages in the target is not removed as extra")
    func targetActivationsStay() throws {
        let group = "aaaaaaaa-0000-4000-8000-000000000002"
        let member = "44444444-4444-4444-8444-444444444444"
        let activated = "55555555-5555-4555-8555-555555555555"
        let extra = "66666666-6666-4666-8666-666666666666"
        var source = TenantObjects()
        source["group"] = [group: try Self.object("{\"id\":\"\(group)\",\"displayName\":\"Helpdesk\",\"groupTypes\":[]}")]
        source["group.members"] = ["\(group)/\(member)": try Self.object("{\"id\":\"\(member)\"}")]
        source["group.assignmentSchedules"] = [:]
        var target = TenantObjects()
        target["group"] = source["group"]
        target["group.members"] = [
            "\(group)/\(member)": try Self.object("{\"id\":\"\(member)\"}"),
            "\(group)/\(activated)": try Self.object("{\"id\":\"\(activated)\"}"),
            "\(group)/\(extra)": try Self.object("{\"id\":\"\(extra)\"}"),
        ]
        target["group.assignmentSchedules"] = [
            "\(group)/x": try Self.schedule("x", group: group, principal: activated, end: "2030-01-01T00:00:00Z", assignmentType: "Activated"),
        ]
        var context = PlanningContext(scope: .wholeTenant, types: ["group", "group.members"], source: source, target: target,
                                      deleted: [:], sameTenant: true, rewrites: [:])
        context.matchObjects()
        context.planRelationships()
        #expect(context.steps.map { "\($0.action) \($0.sourceKey)" } == ["removeReference \(group)/\(extra)"])
    }

    @Test("graph-sim: a removed eligible member, a removed time-bound member and an ended activation; only the first two come back")
    func restore() async throws {
        try await RestoreHarness.run { harness in
            let session = try harness.session("contoso")
            let groups = try await session.send(.get("/groups?$filter=displayName%20eq%20'Tier%200%20Administrators'&$select=id")).json()
            let tier0 = try #require(groups["value"]?.arrayValue?.first?["id"]?.stringValue)
            let helpdeskGroups = try await session.send(.get("/groups?$filter=displayName%20eq%20'Helpdesk%20Operators'&$select=id")).json()
            let helpdesk = try #require(helpdeskGroups["value"]?.arrayValue?.first?["id"]?.stringValue)
            func list(_ set: String, _ group: String) async throws -> [GraphJSON] {
                try await session.send(.get("\(Self.base)/\(set)?$filter=groupId%20eq%20'\(group)'")).json()["value"]?.arrayValue ?? []
            }
            let eligible = try #require(try await list("eligibilitySchedules", tier0).first {
                $0["scheduleInfo"]?["expiration"]?["endDateTime"]?.stringValue != nil
            })
            let activation = try #require(try await list("assignmentSchedules", tier0).first { $0["assignmentType"]?.stringValue == "Activated" })
            let timeBound = try #require(try await list("assignmentSchedules", helpdesk).first {
                $0["scheduleInfo"]?["expiration"]?["endDateTime"]?.stringValue != nil
            })

            let before = try await harness.backup("contoso")
            #expect(before.status == .complete, "missing: \(before.missingTypes)")

            func remove(_ set: String, _ object: GraphJSON) async throws {
                let response = try await session.send(try PrivilegedAccessRestoreTests.write("POST", "\(Self.base)/\(set)", GraphJSON.object([
                    "action": .string("adminRemove"), "principalId": object["principalId"] ?? .null,
                    "groupId": object["groupId"] ?? .null, "accessId": object["accessId"] ?? .null,
                ])))
                #expect(response.status == 201)
            }
            try await remove("eligibilityScheduleRequests", eligible)
            try await remove("assignmentScheduleRequests", timeBound)
            try await remove("assignmentScheduleRequests", activation)

            let scope = RestoreScope(types: ["group", "group.members", "group.eligibilitySchedules", "group.assignmentSchedules"])
            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: session, scope: scope, actor: "test")
            let steps = plan.steps.map { "\($0.action) \($0.type) \($0.sourceKey)" }
            #expect(plan.steps.filter { $0.type == "group.eligibilitySchedules" }.count == 1, "\(steps)")
            #expect(plan.steps.filter { $0.type == "group.assignmentSchedules" }.count == 1, "\(steps)")
            #expect(plan.steps.filter { $0.type == "group.members" }.isEmpty, "\(steps)")
            #expect(plan.operatorActions.contains { $0.type == "group.members" && $0.action.contains("activation") })

            let outcome = try await harness.executor().apply(planID: plan.id, target: session, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { "\($0.type) \($0.sourceKey): \($0.detail ?? "")" })")

            let principal = try #require(eligible["principalId"]?.stringValue)
            let back = try #require(try await list("eligibilitySchedules", tier0).first { $0["principalId"]?.stringValue == principal })
            #expect(back["scheduleInfo"]?["expiration"]?["endDateTime"] == eligible["scheduleInfo"]?["expiration"]?["endDateTime"])
            let active = try await list("assignmentScheduleInstances", helpdesk)
            #expect(active.contains { $0["principalId"] == timeBound["principalId"]
                && $0["endDateTime"] == timeBound["scheduleInfo"]?["expiration"]?["endDateTime"] })
            // The activation is not back, not even as an ordinary member.
            let members = try await session.send(.get("/groups/\(tier0)/members?$select=id")).json()["value"]?.arrayValue ?? []
            #expect(!members.contains { $0["id"] == activation["principalId"] })

            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before, types: scope.types ?? []), target: session)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
        }
    }
}

/// Organizational contacts in a plan: Graph cannot write them, so each missing or changed one is
/// an operator action, and a missing one is no member to relink.
@Suite("Organizational contact planning")
struct ContactPlanningTests {
    @Test("missing and changed contacts are operator actions; a missing one's memberships are not planned")
    func contacts() throws {
        let group = "aaaaaaaa-0000-4000-8000-000000000003"
        let kept = "77777777-7777-4777-8777-777777777777"
        let gone = "88888888-8888-4888-8888-888888888888"
        func object(_ text: String) throws -> CanonicalJSON { try CanonicalJSON.parse(Array(text.utf8)) }
        var source = TenantObjects()
        source["group"] = [group: try object("{\"id\":\"\(group)\",\"displayName\":\"Partners\",\"groupTypes\":[]}")]
        source["orgContact"] = [
            kept: try object("{\"id\":\"\(kept)\",\"displayName\":\"Eric S\",\"mail\":\"erics@litware.com\",\"jobTitle\":\"Accountant\"}"),
            gone: try object("{\"id\":\"\(gone)\",\"displayName\":\"Ana B\",\"mail\":\"anab@litware.com\",\"jobTitle\":null}"),
        ]
        source["group.members"] = ["\(group)/\(kept)": try object("{\"id\":\"\(kept)\"}"), "\(group)/\(gone)": try object("{\"id\":\"\(gone)\"}")]
        var target = TenantObjects()
        target["group"] = source["group"]
        target["orgContact"] = [kept: try object("{\"id\":\"\(kept)\",\"displayName\":\"Eric S\",\"mail\":\"erics@litware.com\",\"jobTitle\":\"Intern\"}")]
        target["group.members"] = [:]
        var context = PlanningContext(scope: .wholeTenant, types: ["group", "group.members", "orgContact"], source: source, target: target,
                                      deleted: [:], sameTenant: true, rewrites: [:])
        context.matchObjects()
        context.planContacts()
        context.planRelationships()
        #expect(context.steps.map { "\($0.action) \($0.sourceKey)" } == ["addReference \(group)/\(kept)"])
        let reported = Dictionary(grouping: context.actions, by: \.objectID)
        #expect(reported[gone]?.first?.action.contains("New-MailContact") == true)
        #expect(reported[kept]?.first?.action.contains("jobTitle") == true)
    }
}
