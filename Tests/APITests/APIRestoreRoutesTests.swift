import Cryptography
import Foundation
import Graph
import GraphSim
import GraphSimTesting
import HTTP
import HoldfastTesting
import Jobs
import Logging
import Queue
import Restore
import Synchronization
import Tenancy
import Testing
import Vault
@testable import API

/// Diff and restore over HTTP against graph-sim: the API answers what the Restore library does.
@Suite struct APIRestoreRoutesTests {
    @Test func aDiffOverTheAPIIsChangeDiffersAndRefusesAnotherTenantsSnapshot() async throws {
        try await RestoreAPIHarness.run { harness, fixture in
            let contoso = try harness.tenantID("contoso")
            let before = try await harness.backup("contoso", fixture: fixture)
            _ = try harness.simulator.apply(.weakenConditionalAccessPolicies(count: 1), tenant: "contoso",
                                            actor: .user(id: "6d1f1c9e-0000-4000-8000-000000000002", displayName: "Mallory",
                                                         userPrincipalName: "mallory@contoso.com"))
            _ = try harness.simulator.apply(.removeRoleAssignments(count: 1), tenant: "contoso")
            let after = try await harness.backup("contoso", fixture: fixture)

            let response = try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/diff?from=\(before.id)&to=\(after.id)", as: .readOnly)
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let served = try decoder.decode(ChangeSet.self, from: Data(response.raw.body))
            let expected = try await ChangeDiffer(vault: fixture.vault, logger: harness.logger).diff(tenantID: contoso, from: before.id, to: after.id)
            #expect(served == expected)
            #expect(served.changes.contains { $0.type == "conditionalAccessPolicy" && $0.kind == .changed })

            // Who did it, from the directory audit log.
            let who = try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/diff?from=\(before.id)&to=\(after.id)&who=true")
            #expect(who.status == 200, "\(who.text.prefix(300))")
            let annotated = try decoder.decode(ChangeSet.self, from: Data(who.raw.body))
            #expect(annotated.changes.first { $0.type == "conditionalAccessPolicy" }?.actors.contains { $0.name == "mallory@contoso.com" } == true)

            let filtered = try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/diff?from=\(before.id)&to=\(after.id)&type=roleAssignment")
            let filteredSet = try decoder.decode(ChangeSet.self, from: Data(filtered.raw.body))
            #expect(!filteredSet.changes.isEmpty && filteredSet.changes.allSatisfy { $0.type == "roleAssignment" })

            // Against live: the same policy and assignment changes, read through the tenant's session.
            let live = try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/diff?from=\(before.id)&to=live&type=conditionalAccessPolicy")
            #expect(live.status == 200, "\(live.text.prefix(300))")
            #expect(try decoder.decode(ChangeSet.self, from: Data(live.raw.body)).changes.contains { $0.type == "conditionalAccessPolicy" })

            // Another tenant's snapshot or a missing one: the diff asked for does not exist (404).
            for query in ["from=\(fixture.snapshotB)&to=\(after.id)", "from=\(before.id)&to=\(fixture.snapshotB)", "from=999999999&to=\(after.id)"] {
                let refused = try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/diff?\(query)")
                #expect(refused.status == 404 && refused.errorCode == "not_found", "\(query): \(refused.text)")
            }
            // What docs/openapi.yaml refuses, read as strictly as it is written: clear 400s.
            for query in ["from=\(before.id)&to=yesterday", "to=\(after.id)", "from=\(before.id)&to=live&type=mailbox",
                          "from=+\(before.id)&to=\(after.id)", "from=0\(before.id)&to=\(after.id)", "from=\(before.id)&to=\(after.id)&type=",
                          "from=\(before.id)&to=\(after.id)&type=user,,group", "from=\(before.id)&to=\(after.id)&type=user1",
                          "from=\(before.id)&to=\(after.id)&who=yes"] {
                let refused = try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/diff?\(query)")
                #expect(refused.status == 400 && refused.errorCode == "invalid_parameter", "\(query): \(refused.text)")
            }
        }
    }

    @Test func aRestorePlannedOverTheAPIIsShownAndAppliedAsAJob() async throws {
        try await RestoreAPIHarness.run { harness, fixture in
            let contoso = try harness.tenantID("contoso")
            let (before, policyID, created) = try await harness.plannedPolicyRestore(fixture: fixture)
            #expect(created.status == 201, "\(created.text.prefix(400))")
            let planID = try #require(created.object["id"] as? String)
            #expect(created.object["status"] as? String == "planned")
            #expect(created.object["step_count"] as? Int == 1)
            #expect((created.object["steps_by_action"] as? [String: Int])?["patch"] == 1)
            let guards = try #require(created.object["guards"] as? [String: Any])
            #expect(guards["exceeds_blast_radius"] as? Bool == false)
            #expect((guards["lockout_findings"] as? [Any])?.isEmpty == true)
            let stored = try await RestoreStore(vault: fixture.vault).plan(id: try #require(UUID(uuidString: planID)))
            #expect(stored.createdBy.hasPrefix("apikey:") && stored.steps.count == 1)

            let shown = try await fixture.send("GET", "/v1/restores/\(planID)", as: .readOnly)
            #expect(shown.status == 200 && shown.object["snapshot_id"] as? Int == Int(before.id))
            let steps = try await fixture.send("GET", "/v1/restores/\(planID)/steps", as: .readOnly)
            #expect(steps.items.count == 1 && steps.items.first?["source_key"] as? String == policyID)
            #expect((steps.items.first?["changed_attributes"] as? [String])?.contains("state") == true)
            let listed = try await fixture.send("GET", "/v1/restores?tenant_id=\(contoso.lower)", as: .readOnly)
            #expect(listed.items.map { $0["id"] as? String } == [planID])

            let applied = try await fixture.send("POST", "/v1/restores/\(planID)/apply", json: "{}")
            #expect(applied.status == 202, "\(applied.text)")
            let job = try #require(applied.object["job"] as? [String: Any])
            #expect(job["kind"] as? String == "restore" && job["tenant_id"] as? String == contoso.lower)
            #expect(job["priority"] as? Int == QueuePriority.restore, "a restore goes ahead of every scheduled job")
            let jobID = try #require(job["id"] as? Int)
            let arguments = try await fixture.client.query("SELECT args::text AS a FROM jobs WHERE id = \(Int64(jobID))").first?
                .decode(String.self, "a")
            let decoded = try JSONDecoder().decode(RestoreJobHandler.Arguments.self, from: Data(try #require(arguments).utf8))
            #expect(decoded.planID.uuidString.lowercased() == planID && decoded.actor?.hasPrefix("apikey:") == true)

            // The shape of the refusals: unknown plan, bad body, no snapshot choice.
            #expect(try await fixture.send("GET", "/v1/restores/\(UUID().lower)").status == 404)
            let twoChoices = try await fixture.send("POST", "/v1/tenants/\(contoso.lower)/restores",
                                                    json: #"{"snapshot_id": 1, "at": "2026-11-20T08:00:00Z"}"#)
            #expect(twoChoices.status == 400 && twoChoices.errorCode == "invalid_request")
            let badType = try await fixture.send("POST", "/v1/tenants/\(contoso.lower)/restores", json: #"{"snapshot_id": 1, "types": ["mailbox"]}"#)
            #expect(badType.status == 400 && badType.errorMessage?.contains("mailbox") == true)
            // Well-formed, but naming another tenant's snapshot or none: 422, not a malformed request.
            for snapshot in [fixture.snapshotB, 999_999_999] {
                let foreign = try await fixture.send("POST", "/v1/tenants/\(contoso.lower)/restores", json: #"{"snapshot_id": \#(snapshot)}"#)
                #expect(foreign.status == 422 && foreign.errorCode == "unprocessable_request", "\(foreign.text)")
            }
            let nullChoice = try await fixture.send("POST", "/v1/tenants/\(contoso.lower)/restores", json: #"{"snapshot_id": 1, "only_missing": null}"#)
            #expect(nullChoice.status == 400 && nullChoice.errorMessage?.contains("only_missing") == true, "\(nullChoice.text)")
        }
    }

    @Test func anObjectsHistoryOverTheAPIHasEveryChangeAttributeByAttribute() async throws {
        try await RestoreAPIHarness.run { harness, fixture in
            let contoso = try harness.tenantID("contoso")
            let first = try await harness.backup("contoso", fixture: fixture)
            let changed = try harness.simulator.apply(.changeAttribute(count: 1, property: "jobTitle", value: .string("Chief Intruder")),
                                                      tenant: "contoso")
            let userID = try #require(changed.affectedIds.first)
            let second = try await harness.backup("contoso", fixture: fixture)
            _ = try harness.simulator.apply(.hardDeleteUsers(count: 1, ids: [userID]), tenant: "contoso")
            let third = try await harness.backup("contoso", fixture: fixture)

            let response = try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/object/history?type=user&id=\(userID)", as: .readOnly)
            #expect(response.status == 200, "\(response.text.prefix(300))")
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            let served = try decoder.decode(ObjectHistory.self, from: Data(response.raw.body))
            let loaded = try await ObjectHistory.load(vault: fixture.vault, tenantID: contoso, type: "user", objectID: userID)
            #expect(String(decoding: response.raw.body, as: UTF8.self) == (try loaded.renderJSON()), "what holdfast objects history --format json prints")
            #expect(served.events.map(\.kind) == [.created, .changed, .deleted])
            #expect(served.events.map(\.snapshotID) == [first.id, second.id, third.id])
            let jobTitle = try #require(served.events[1].changes.first { $0.path == "jobTitle" })
            #expect(jobTitle.after == .string("Chief Intruder"))
            #expect(served.events[2].blobID == nil && served.events[0].changes.isEmpty)

            let unknown = try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/object/history?type=user&id=nobody")
            #expect(unknown.status == 404 && unknown.errorCode == "not_found", "\(unknown.text)")
            let noType = try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/object/history?id=\(userID)")
            #expect(noType.status == 400 && noType.errorCode == "invalid_parameter")
            #expect(try await fixture.send("GET", "/v1/tenants/\(contoso.lower)/object/history?type=user&id=\(userID)", as: .partnerA).status == 403)
        }
    }

    @Test func aPlanNobodyWillApplyIsDiscardedOverTheAPIAndReleasesItsSnapshot() async throws {
        try await RestoreAPIHarness.run { harness, fixture in
            let (before, _, created) = try await harness.plannedPolicyRestore(fixture: fixture)
            let planID = try #require(created.object["id"] as? String)
            func pendingPlan() async throws -> UUID? {
                try await fixture.client.query("SELECT snapshot_pending_restore_plan(\(before.id)) AS p").first?.decode(UUID?.self, "p")
            }
            #expect(try await pendingPlan()?.lower == planID, "the planned restore holds its snapshot")

            // No reason, an unknown field, a read-only key: refused, nothing changes.
            let noReason = try await fixture.send("POST", "/v1/restores/\(planID)/discard", json: #"{"reason": "  "}"#)
            #expect(noReason.status == 400 && noReason.errorCode == "invalid_request", "\(noReason.text)")
            let unknownField = try await fixture.send("POST", "/v1/restores/\(planID)/discard", json: #"{"reason": "x", "force": true}"#)
            #expect(unknownField.status == 400, "\(unknownField.text)")
            let readOnly = try await fixture.send("POST", "/v1/restores/\(planID)/discard", as: .readOnly, json: #"{"reason": "x"}"#)
            #expect(readOnly.status == 403, "\(readOnly.text)")
            #expect(try await RestoreStore(vault: fixture.vault).plan(id: try #require(UUID(uuidString: planID))).status == .planned)

            let discarded = try await fixture.send("POST", "/v1/restores/\(planID)/discard", json: #"{"reason": "CHG-1182 fixed by hand"}"#)
            #expect(discarded.status == 200, "\(discarded.text)")
            #expect(discarded.object["status"] as? String == "failed")
            #expect((discarded.object["error"] as? String)?.contains("CHG-1182 fixed by hand") == true)
            #expect(try await pendingPlan() == nil, "retention may delete the snapshot again")
            let audited = try await fixture.client.query("""
                SELECT actor FROM audit_log WHERE action = 'restore.discard' AND details->>'plan.id' = \(planID)
                """).first?.decode(String.self, "actor")
            #expect(audited?.hasPrefix("apikey:") == true)

            let again = try await fixture.send("POST", "/v1/restores/\(planID)/discard", json: #"{"reason": "twice"}"#)
            #expect(again.status == 409 && again.errorCode == "invalid_state", "\(again.text)")
            #expect(try await fixture.send("POST", "/v1/restores/\(UUID().lower)/discard", json: #"{"reason": "x"}"#).status == 404)
        }
    }

    @Test func applyRefusesAPlanOverItsBlastRadiusUntilConfirmed() async throws {
        try await RestoreAPIHarness.run(restoreConfiguration: RestoreConfiguration(blastRadiusLimit: 5)) { harness, fixture in
            let contoso = try harness.tenantID("contoso")
            let fabrikam = try harness.tenantID("fabrikam")
            let snapshot = try await harness.backup("contoso", fixture: fixture)
            // A whole-tenant restore into the wrong customer: many overwrites.
            let created = try await fixture.send("POST", "/v1/tenants/\(contoso.lower)/restores", json: """
                {"snapshot_id": \(snapshot.id), "target_tenant_id": "\(fabrikam.lower)"}
                """)
            #expect(created.status == 201, "\(created.text.prefix(400))")
            let planID = try #require(created.object["id"] as? String)
            #expect(created.object["cross_tenant"] as? Bool == true)
            let guards = try #require(created.object["guards"] as? [String: Any])
            #expect(guards["exceeds_blast_radius"] as? Bool == true && guards["blast_radius_limit"] as? Int == 5)

            let refused = try await fixture.send("POST", "/v1/restores/\(planID)/apply", json: #"{"confirm_lockout": true}"#)
            #expect(refused.status == 409 && refused.errorCode == "restore_needs_confirmation", "\(refused.text)")
            let queued = try await fixture.client.query("SELECT count(*) AS n FROM jobs WHERE kind = 'restore'").first?.decode(Int.self, "n")
            #expect(queued == 0)

            let confirmed = try await fixture.send("POST", "/v1/restores/\(planID)/apply", json: #"{"confirm_blast_radius": true}"#)
            #expect(confirmed.status == 202, "\(confirmed.text)")
            #expect(try await fixture.send("GET", "/v1/restores?tenant_id=\(fabrikam.lower)").items.count == 1)
        }
    }

    @Test func applyRefusesAPolicyThatWouldLockOutEveryAdministratorUntilConfirmed() async throws {
        try await RestoreAPIHarness.run { harness, fixture in
            let contoso = try harness.tenantID("contoso")
            let target = try await harness.sessions.session(tenantID: contoso, logger: harness.logger)
            // A policy that blocks everyone, with no break-glass exclusion, backed up and then deleted for good.
            let page = try CanonicalJSON.parse(try await target.send(.get("/identity/conditionalAccess/policies")).body)
            let policy = try #require(page["value"]?.arrayValue?.first { $0["state"]?.stringValue == "enabled" })
            let policyID = try #require(policy["id"]?.stringValue)
            let body = #"{"state":"enabled","grantControls":{"operator":"OR","builtInControls":["block"]},"conditions":{"users":{"includeUsers":["All"],"excludeUsers":[],"includeGroups":[],"excludeGroups":[],"includeRoles":[],"excludeRoles":[]},"applications":{"includeApplications":["All"]},"clientAppTypes":["all"]}}"#
            try await Task.sleep(for: .seconds(1.1))  // conditional access: one request per second
            _ = try await target.send(GraphRequest(method: "PATCH", path: "/identity/conditionalAccess/policies/\(policyID)",
                                                   headers: [("Content-Type", "application/json")], body: Array(body.utf8)))
            try await Task.sleep(for: .seconds(1.1))
            let snapshot = try await harness.backup("contoso", fixture: fixture)
            _ = try harness.simulator.apply(.deleteConditionalAccessPolicies(count: 1, ids: [policyID]), tenant: "contoso")
            _ = try harness.simulator.apply(.purgeDeletedItems(types: ["conditionalAccessPolicy"]), tenant: "contoso")

            let created = try await fixture.send("POST", "/v1/tenants/\(contoso.lower)/restores", json: """
                {"snapshot_id": \(snapshot.id), "types": ["conditionalAccessPolicy"], "ids": ["\(policyID)"]}
                """)
            #expect(created.status == 201, "\(created.text.prefix(400))")
            let planID = try #require(created.object["id"] as? String)
            let findings = try #require((created.object["guards"] as? [String: Any])?["lockout_findings"] as? [[String: Any]])
            #expect(findings.map { $0["policy_id"] as? String } == [policyID])

            let refused = try await fixture.send("POST", "/v1/restores/\(planID)/apply", json: #"{"confirm_blast_radius": true}"#)
            #expect(refused.status == 409 && refused.errorCode == "restore_lockout_risk", "\(refused.text)")
            let confirmed = try await fixture.send("POST", "/v1/restores/\(planID)/apply", json: #"{"confirm_lockout": true}"#)
            #expect(confirmed.status == 202, "\(confirmed.text)")
        }
    }

    @Test func withoutGraphSessionsLiveDiffsAndPlansAnswer503() async throws {
        try await APIFixture.run { fixture in
            let tenant = fixture.tenantB.lower
            let live = try await fixture.send("GET", "/v1/tenants/\(tenant)/diff?from=\(fixture.snapshotB)&to=live")
            #expect(live.status == 503 && live.errorCode == "unavailable")
            let plan = try await fixture.send("POST", "/v1/tenants/\(tenant)/restores", json: #"{"snapshot_id": \#(fixture.snapshotB)}"#)
            #expect(plan.status == 503 && plan.errorCode == "unavailable")
            // Snapshot to snapshot needs no Graph.
            let diff = try await fixture.send("GET", "/v1/tenants/\(tenant)/diff?from=\(fixture.snapshotB)&to=\(fixture.snapshotB)")
            #expect(diff.status == 200 && diff.text.contains("\"changes\""), "\(diff.text)")
        }
    }
}

/// Graph sessions by tenant, filled as the test registers tenants.
final class GraphSessionTable: GraphSessionProvider {
    private let sessions = Mutex<[UUID: GraphSession]>([:])

    func set(_ session: GraphSession, for tenantID: UUID) { sessions.withLock { $0[tenantID] = session } }

    func session(tenantID: UUID, logger: Logger) async throws -> GraphSession {
        guard let session = sessions.withLock({ $0[tenantID] }) else {
            throw TenancyError(.credentialNotFound, "no Graph session for tenant \(tenantID.uuidString.lowercased()) in this test")
        }
        return session.logging(to: logger)
    }
}

/// graph-sim with `contoso` and `fabrikam` (small, seeded), each registered in the API fixture's
/// database with an app allowed to read and write, and a session table the API uses.
struct RestoreAPIHarness {
    let simulator: GraphSimulator
    let tenants: [String: UUID]
    let sessions: GraphSessionTable
    let logger: Logger

    static let permissions = ResourceCatalogue.requiredPermissions + RestorePermissions.writes

    static func run(restoreConfiguration: RestoreConfiguration = RestoreConfiguration(),
                    logger: Logger = TestLogger.make(label: "api-restore-test"),
                    _ body: @Sendable (RestoreAPIHarness, APIFixture) async throws -> Void) async throws {
        let specifications = [TenantSpecification(name: "contoso", profile: .small, seed: 21),
                              TenantSpecification(name: "fabrikam", profile: .small, seed: 22)]
        let table = GraphSessionTable()
        try await APIFixture.run(graphSessions: table, restoreConfiguration: restoreConfiguration, logger: logger) { fixture in
            let simulator = fixture.simulator
            let graph = fixture.fleet.graph
            let registry = TenantRegistry(client: fixture.client, logger: logger)
            var tenants: [String: UUID] = [:]
            for specification in specifications {
                let tenant = try simulator.createTenant(specification)
                let app = try simulator.registerApplication(tenant: specification.name, displayName: "Holdfast \(specification.name)",
                                                            permissions: permissions)
                let secret = try simulator.addClientSecret(clientId: app.clientId).value
                let id = try await registry.addTenant(NewTenant(entraTenantID: try #require(UUID(uuidString: tenant.id)),
                                                                primaryDomain: tenant.initialDomain, displayName: specification.name),
                                                      actor: "test").id
                table.set(graph.session(for: GraphIdentity(tenant: tenant.id, clientID: app.clientId)) {
                    .clientSecret(SecretBytes(copying: Array(secret.utf8)))
                }, for: id)
                tenants[specification.name] = id
            }
            try await body(RestoreAPIHarness(simulator: simulator, tenants: tenants, sessions: table, logger: logger), fixture)
        }
    }

    func tenantID(_ name: String) throws -> UUID { try #require(tenants[name]) }

    private static let jobs = Mutex(Int64(5_000_000))

    /// A backup of contoso, one weakened conditional access policy, and a restore of it planned
    /// over the API: the snapshot, the policy's id and the API's answer.
    func plannedPolicyRestore(fixture: APIFixture) async throws -> (SnapshotSummary, String, APIResponse) {
        let contoso = try self.tenantID("contoso")
        let before = try await self.backup("contoso", fixture: fixture)
        let weakened = try self.simulator.apply(.weakenConditionalAccessPolicies(count: 1), tenant: "contoso")
        let policyID = try #require(weakened.affectedIds.first)
        let created = try await fixture.send("POST", "/v1/tenants/\(contoso.uuidString.lowercased())/restores", json: """
            {"snapshot_id": \(before.id), "types": ["conditionalAccessPolicy"], "ids": ["\(policyID)"]}
            """)
        return (before, policyID, created)
    }

    func backup(_ name: String, fixture: APIFixture) async throws -> SnapshotSummary {
        let tenantID = try tenantID(name)
        let jobID = Self.jobs.withLock { $0 += 1; return $0 }
        return try await BackupRun(vault: fixture.vault, session: try await sessions.session(tenantID: tenantID, logger: logger),
                                   tenantID: tenantID,
                                   jobID: jobID, claim: nil, logger: logger).run()
    }
}
