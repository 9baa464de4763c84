import Compliance
import Coordinator
import Foundation
import HoldfastTesting
import Postgres
import ServiceLifecycle
import Testing

@Suite("Coordinator leader tasks")
struct LeaderTaskTests {
    @Test("the leading coordinator evaluates SLA on its interval and records the state")
    func leaderEvaluatesSLA() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let history = History(client: schema.client)
            // Protected for two days without a snapshot: breached under the standard 26 h target.
            let tenant = try await history.tenant("Contoso", partner: nil, policy: nil, createdAt: Date().addingTimeInterval(-2 * 86_400))
            let logger = TestLogger.make()
            let evaluator = SLAEvaluator(client: schema.client, enqueueChecks: .unchecked, logger: logger)
            let coordinator = CoordinatorService(
                client: schema.client, configuration: CoordinatorConfiguration(leaderLease: .seconds(3)),
                leaderTasks: [SLAEvaluationTask(evaluator: evaluator, interval: .milliseconds(100))], logger: logger)
            let group = ServiceGroup(services: [coordinator], logger: logger)
            let recorded = try await withThrowingTaskGroup(of: Void.self) { tasks -> String? in
                tasks.addTask { try await group.run() }
                defer { tasks.cancelAll() }
                let deadline = ContinuousClock.now + .seconds(300)
                var state: String?
                while ContinuousClock.now < deadline && state == nil {
                    state = try await schema.client.query("SELECT state FROM sla_states WHERE tenant_id = \(tenant)").first?.decode(String.self, at: 0)
                    if state == nil { try await Task.sleep(for: .milliseconds(50)) }
                }
                await group.triggerGracefulShutdown()
                return state
            }
            #expect(recorded == "breached")
            let changes = try await evaluator.transitions(tenantID: tenant)
            #expect(changes.map(\.to) == [.breached])
            #expect(changes.first?.reasons == [.noSnapshot, .rpoExceeded])
        }
    }
}
