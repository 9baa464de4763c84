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
@Suite("Shared app budget", .timeLimit(.minutes(5)))
struct AppBudgetTests {
    @Test func twoSessionsOfTheSharedAppStayTogetherUnderTheAppWideLimit() async throws {
        // 10 units at once, then 10 per second, for the whole app (graph-sim's own throttling off,
        // so only our budget shapes the traffic).
        let limits = GraphAppLimits(resourceUnits: 10, resourceUnitWindow: .seconds(1), requestsPerSecond: 1_000, headroom: 1)
        try await OnboardingHarness.run(tenants: ["contoso", "fabrikam"], appBudget: limits) { harness in
            let (app, secret) = try harness.registerApp(in: "contoso")
            // The app consented in a second tenant: one client id, two tenants.
            try harness.simulator.grantPermissions(ResourceCatalogue.requiredPermissions, clientId: app.clientId, tenant: "fabrikam")
            let sessions = try ["contoso", "fabrikam"].map { name in
                harness.graph.session(for: GraphIdentity(tenant: try harness.tenantID(name), clientID: app.clientId), sharedApp: true) {
                    .clientSecret(SecretBytes(copying: Array(secret.value.utf8)))
                }
            }
            for session in sessions { _ = try await session.accessToken() }
            let perSession = 20
            // `/organization` costs one unit (graph-reference section 2).
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

            var arrivals: [Date] = []
            for name in ["contoso", "fabrikam"] {
                let records = try #require(harness.simulator.tenant(named: name)).requestLog.records(after: 0)
                    .filter { $0.path.hasPrefix("/organization") }
                #expect(records.count == perSession && records.allSatisfy { $0.status == 200 })
                arrivals += records.map(\.receivedAt)
            }
            arrivals.sort()
            // In any one-second window: at most the burst plus one second of refill (10 + 10), and
            // a little for the two clocks (PostgreSQL's and graph-sim's) reading the same time apart.
            let busiest = arrivals.indices.map { start in
                arrivals[start...].prefix { $0.timeIntervalSince(arrivals[start]) < 1 }.count
            }.max() ?? 0
            #expect(busiest <= 21, "at most 20 requests per second for the app, saw \(busiest)")
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
