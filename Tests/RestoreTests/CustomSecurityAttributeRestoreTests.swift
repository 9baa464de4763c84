import Foundation
import Graph
import GraphSim
import JSON
@testable import Restore
import Testing
import Vault

/// Custom security attributes restored: deactivated definitions and predefined values
/// reverted, wiped values written back, values added since removed; into an empty tenant the
/// sets, definitions and predefined values are recreated under their names.
@Suite("Custom security attribute restore", .serialized)
struct CustomSecurityAttributeRestoreTests {
    static let types: Set<String> = [
        "attributeSet", "customSecurityAttributeDefinition", "customSecurityAttributeDefinition.allowedValues",
        "userSecurityAttributes", "servicePrincipalSecurityAttributes",
    ]

    static func send(_ session: GraphSession, _ method: String, _ path: String, _ body: GraphJSON) async throws -> Int {
        try await session.send(try PrivilegedAccessRestoreTests.write(method, path, body)).status
    }

    @Test("the value body: each wanted attribute with its annotation, a null for each one only the target has")
    func valueChanges() throws {
        let have = try CanonicalJSON.parse(Array("""
            {"Engineering":{"@odata.type":"#microsoft.graph.customSecurityAttributeValue","Project@odata.type":"#Collection(String)",
             "Project":["Baker"],"Certification":true},"Marketing":{"@odata.type":"#microsoft.graph.customSecurityAttributeValue","EmployeeId":"QN1"}}
            """.utf8))
        let want = try CanonicalJSON.parse(Array("""
            {"Engineering":{"@odata.type":"#microsoft.graph.customSecurityAttributeValue","Project@odata.type":"#Collection(String)",
             "Project":["Alpine","Baker"],"Certification":true}}
            """.utf8))
        let body = PlanningContext.securityAttributeChanges(from: have, to: want)
        #expect(body["Engineering"]?["Project"] == .array([.string("Alpine"), .string("Baker")]))
        #expect(body["Engineering"]?["Project@odata.type"] == .string("#Collection(String)"))
        #expect(body["Engineering"]?["Certification"] == nil)
        #expect(body["Marketing"]?["EmployeeId"] == .null)
        #expect(PlanningContext.securityAttributeChanges(from: want, to: want).isEmpty)
    }

    @Test("graph-sim: wiped values, a deactivated definition and value come back; values added since go")
    func restore() async throws {
        try await RestoreHarness.run { harness in
            let session = try harness.session("contoso")
            let users = try await session.send(.get("/users?$select=id,customSecurityAttributes&$top=999")).json()["value"]?.arrayValue ?? []
            let engineer = try #require(users.first { $0["customSecurityAttributes"]?["Engineering"] != nil })
            let engineerID = try #require(engineer["id"]?.stringValue)
            let other = try #require(users.first { $0["customSecurityAttributes"]?.objectValue?.isEmpty == true }?["id"]?.stringValue)

            let before = try await harness.backup("contoso")
            #expect(before.status == .complete, "missing: \(before.missingTypes)")

            // The incident: an engineer's attributes wiped, values given to someone else, a definition
            // and a predefined value deactivated.
            var wipe: [String: GraphJSON] = [:]
            for (name, _) in engineer["customSecurityAttributes"]?["Engineering"]?.objectValue ?? [:]
            where !name.hasPrefix("@") && !name.contains("@odata.type") {
                wipe[name] = .null
            }
            #expect(try await Self.send(session, "PATCH", "/users/\(engineerID)", .object([
                "customSecurityAttributes": .object(["Engineering": .object(JSONObject(wipe))]),
            ])) == 204)
            #expect(try await Self.send(session, "PATCH", "/users/\(other)", .object([
                "customSecurityAttributes": .object(["Marketing": .object(["EmployeeId": .string("QN99999")])]),
            ])) == 204)
            #expect(try await Self.send(session, "PATCH", "/directory/customSecurityAttributeDefinitions/Marketing_EmployeeId",
                                        .object(["status": .string("Deprecated"), "description": .string("retired")])) == 204)
            #expect(try await Self.send(session, "PATCH", "/directory/customSecurityAttributeDefinitions/Engineering_Project/allowedValues/Baker",
                                        .object(["isActive": .bool(false)])) == 204)

            let scope = RestoreScope(types: Self.types)
            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: session, scope: scope, actor: "test")
            let steps = Set(plan.steps.map { "\($0.action) \($0.type) \($0.sourceKey)" })
            #expect(steps == [
                "patch customSecurityAttributeDefinition Marketing_EmployeeId",
                "patch customSecurityAttributeDefinition.allowedValues Engineering_Project/Baker",
                "patch userSecurityAttributes \(engineerID)", "patch userSecurityAttributes \(other)",
            ], "\(steps)")
            let outcome = try await harness.executor().apply(planID: plan.id, target: session, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { "\($0.type) \($0.sourceKey): \($0.detail ?? "")" })")

            let restored = try await session.send(.get("/users/\(engineerID)?$select=customSecurityAttributes")).json()
            #expect(restored["customSecurityAttributes"]?["Engineering"]?["Project"] == engineer["customSecurityAttributes"]?["Engineering"]?["Project"])
            let cleared = try await session.send(.get("/users/\(other)?$select=customSecurityAttributes")).json()
            #expect(cleared["customSecurityAttributes"] == .object([:]))
            let definition = try await session.send(.get("/directory/customSecurityAttributeDefinitions/Marketing_EmployeeId")).json()
            #expect(definition["status"] == "Available")

            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before, types: Self.types), target: session)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
        }
    }

    @Test("graph-sim: into an empty tenant, sets, definitions and predefined values are recreated under their names")
    func scratch() async throws {
        try await RestoreHarness.run { harness in
            let before = try await harness.backup("contoso")
            #expect(before.status == .complete, "missing: \(before.missingTypes)")
            let scratch = try harness.session("scratch")
            let scope = RestoreScope(types: ["attributeSet", "customSecurityAttributeDefinition", "customSecurityAttributeDefinition.allowedValues"])
            let plan = try await harness.planner().plan(snapshotID: before.id, targetTenantID: try harness.tenantID("scratch"),
                                                        target: scratch, scope: scope, actor: "test")
            #expect(plan.steps.filter { $0.type == "attributeSet" && $0.action == .create }.count == 2)
            let outcome = try await harness.executor().apply(planID: plan.id, target: scratch, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { "\($0.type) \($0.sourceKey): \($0.detail ?? "")" })")
            let values = try await scratch.send(.get("/directory/customSecurityAttributeDefinitions/Engineering_Project/allowedValues"))
                .json()["value"]?.arrayValue ?? []
            #expect(values.count == 4)
            #expect(values.contains { $0["id"] == "Denali" && $0["isActive"] == .bool(false) })
            let differences = try await RestoreComparison().differences(
                plan: outcome.plan, map: outcome.map, source: try await harness.sourceObjects(before, types: scope.types ?? []), target: scratch)
            #expect(differences.isEmpty, "\(differences.prefix(20))")
        }
    }
}
