import Cryptography
import Foundation
import Graph
import GraphSim
import HoldfastTesting
import Postgres
import Tenancy
import Testing

/// The shared multi-tenant app's budget in PostgreSQL keeps every session of that app, whatever
/// tenant it reads, under one app-wide rate, as graph-sim's request logs show.
@Suite("Shared app budget", .timeLimit(.minutes(10)))
struct AppBudgetTests {
    @Test func twoSessionsOfTheSharedAppStayTogetherUnderTheAppWideLimit() async throws {
        // graph-sim limits the app, across all its tenants, to 20 units per second (the per-tenant
        // limits stay as documented, far above what this test sends); the budget plans for half.
        var simulatorLimits = ThrottleLimits()
        simulatorLimits.appResourceUnits = 20
        simulatorLimits.appResourceUnitWindow = 1
        let budget = GraphAppLimits(resourceUnits: 20, resourceUnitWindow: .seconds(1), requestsPerSecond: 1_000, headroom: 0.5)
        try await OnboardingHarness.run(tenants: ["contoso", "fabrikam"], appBudget: budget, simulatorLimits: simulatorLimits) { harness in
            let (app, secret) = try harness.registerApp(in: "contoso")
            // The app consented in a second tenant: one client id, two tenants.
            try harness.simulator.grantPermissions(ResourceCatalogue.requiredPermissions, clientId: app.clientId, tenant: "fabrikam")
            let sessions = try ["contoso", "fabrikam"].map { name in
                harness.graph.session(for: GraphIdentity(tenant: try harness.tenantID(name), clientID: app.clientId), sharedApp: true) {
                    .clientSecret(SecretBytes(copying: Array(secret.value.utf8)))
                }
            }
            for session in sessions { _ = try await session.accessToken() }
            let perSession = 30
            // Two tasks per tenant, as two workers each would; `/organization` costs one unit.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for session in sessions {
                    for _ in 0..<2 {
                        group.addTask {
                            for _ in 0..<(perSession / 2) { _ = try await session.send(.get("/organization")) }
                        }
                    }
                }
                try await group.waitForAll()
            }

            // graph-sim's logs: every request answered on its first attempt, none refused for the
            // app-wide limit, although together the sessions sent three times the app's burst.
            for name in ["contoso", "fabrikam"] {
                let records = try #require(harness.simulator.tenant(named: name)).requestLog.records(after: 0)
                    .filter { $0.path.hasPrefix("/organization") }
                #expect(records.count == perSession, "a retry means a request was refused")
                #expect(records.filter(\.isThrottled).map { $0.throttleScope ?? "" } == [])
            }
            let rows = try await harness.schema.client.query("""
                SELECT count(*) AS n FROM graph_app_budget WHERE client_id = \(app.clientId.lowercased())
                """).first?.decode(Int.self, "n")
            #expect(rows == 2)
        }
    }

    @Test func sessionsOfATenantsOwnAppDoNotDrawFromTheAppBudget() async throws {
        let limits = GraphAppLimits(resourceUnits: 10, resourceUnitWindow: .seconds(1), requestsPerSecond: 1_000, headroom: 1)
        try await OnboardingHarness.run(appBudget: limits) { harness in
            let (app, secret) = try harness.registerApp(in: "contoso")
            let session = harness.graph.session(for: GraphIdentity(tenant: try harness.tenantID("contoso"), clientID: app.clientId)) {
                .clientSecret(SecretBytes(copying: Array(secret.value.utf8)))
            }
            _ = try await session.send(.get("/organization"))
            let rows = try await harness.schema.client.query("SELECT count(*) AS n FROM graph_app_budget").first?.decode(Int.self, "n")
            #expect(rows == 0)
        }
    }
}
