import Graph
import GraphSim
import JSON
import Restore
import Testing

/// A number's text travels from Graph into the vault and back to Graph unchanged: no step reads it
/// through a `Double`.
@Suite("Number text through backup, vault and restore", .serialized)
struct NumberFidelityTests {
    /// Above 2^53, above Int64, a fraction with an exponent, a negative exponent form: a double
    /// would round the first two and rewrite the last two.
    static let numbers = ["9007199254740993", "12345678901234567890", "1.0e-7", "-0.5E+10"]
    static let prefix = "extension_0f0e0d0c0b0a49d8a7c6b5a4f3e2d1c0_"

    /// `"<prefix>n<i>":<number>` for each number, and one nested object holding all of them (its keys
    /// in canonical order, so the same text is found in the vault's canonical form).
    static var members: [String] {
        numbers.enumerated().map { "\"\(prefix)n\($0.offset)\":\($0.element)" }
            + ["\"\(prefix)nested\":{\"big\":\(numbers[1]),\"list\":[\(numbers.joined(separator: ","))]}"]
    }

    static func contains(_ body: [UInt8], _ member: String) -> Bool {
        let needle = Array(member.utf8)
        guard body.count >= needle.count else { return false }
        return (0...(body.count - needle.count)).contains { body[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    @Test func numbersBeyondADoubleAreRestoredByteIdentical() async throws {
        try await RestoreHarness.run(tenants: [TenantSpecification(name: "contoso", profile: .small, seed: 11)]) { harness in
            let session = try harness.session("contoso")
            let page = try JSONParser.parse(try await session.send(.get("/groups?$select=id,displayName&$top=5")).body)
            let groupID = try #require(page["value"]?.arrayValue?.first?["id"]?.stringValue)
            let path = "/groups/\(groupID)"
            func patch(_ members: [String]) async throws {
                _ = try await session.send(GraphRequest(method: "PATCH", path: path, headers: [("Content-Type", "application/json")],
                                                        body: Array(("{" + members.joined(separator: ",") + "}").utf8)))
            }
            try await patch(Self.members)
            // graph-sim keeps the text it was sent.
            let seeded = try await session.send(.get(path)).body
            for member in Self.members { #expect(Self.contains(seeded, member), "graph-sim rewrote \(member)") }

            let snapshot = try await harness.backup("contoso")
            let stored = try #require(try await harness.sourceObjects(snapshot, types: ["group"])["group"][groupID])
            for member in Self.members {
                #expect(Self.contains(stored.canonicalBytes(), member), "the vault rewrote \(member)")
            }

            // An attacker flattens every number; the restore writes the stored text back.
            try await patch(Self.numbers.indices.map { "\"\(Self.prefix)n\($0)\":0" } + ["\"\(Self.prefix)nested\":null"])
            let plan = try await harness.planner().plan(snapshotID: snapshot.id, targetTenantID: try harness.tenantID("contoso"),
                                                        target: session, scope: RestoreScope(types: ["group"], ids: [groupID]),
                                                        actor: "test")
            #expect(plan.steps.map(\.action) == [.patch], "\(plan.steps.map { "\($0.action) \($0.type) \($0.sourceKey)" })")
            let outcome = try await harness.executor().apply(planID: plan.id, target: session, actor: "test")
            #expect(outcome.failedSteps.isEmpty, "\(outcome.failedSteps.map { $0.detail ?? "" })")

            let restored = try await session.send(.get(path)).body
            for member in Self.members { #expect(Self.contains(restored, member), "the restore rewrote \(member)") }
        }
    }
}
