import Foundation
import Logging
import Graph
import GraphSim
import Jobs
import Queue
import Restore
import Testing

/// Sessions from the harness, by tenant.
struct HarnessSessions: GraphSessionProvider {
    let sessions: [UUID: GraphSession]
    func session(tenantID: UUID, logger: Logger) async throws -> GraphSession { try #require(sessions[tenantID]).logging(to: logger) }
}

@Suite("Restore job handler")
struct RestoreJobHandlerTests {
    static func job(_ arguments: String, tenantID: UUID) -> Job {
        Job(id: 77, kind: .restore, tenantID: tenantID, state: .running, priority: 100, runAt: Date(), arguments: arguments,
            attempt: 1, maxAttempts: 5, workerID: UUID(), leaseExpiresAt: nil, heartbeatAt: nil, attemptedAt: Date(), progress: nil,
            errors: [], uniqueKey: nil, cancelRequested: false, createdAt: Date(), finalizedAt: nil)
    }

    @Test func aRestoreJobAppliesItsPlanAndAGuardDiscardsIt() async throws {
        try await RestoreHarness.run { harness in
            let snapshot = try await harness.backup("contoso")
            let contoso = try harness.tenantID("contoso")
            let fabrikam = try harness.tenantID("fabrikam")
            _ = try harness.simulator.apply(.hardDeleteUsers(count: 2), tenant: "contoso")
            let sessions = HarnessSessions(sessions: [contoso: try harness.session("contoso"), fabrikam: try harness.session("fabrikam")])
            let handler = RestoreJobHandler(store: harness.store, sessions: sessions)
            let context = JobContext(claim: JobClaim(jobID: 77, workerID: UUID(), attempt: 1), logger: harness.logger,
                                     progressReporter: { _ in })

            let plan = try await harness.planner().plan(snapshotID: snapshot.id, targetTenantID: contoso, target: try harness.session("contoso"),
                                                        scope: RestoreScope(types: ["user"], onlyMissing: true), actor: "test")
            try await handler.run(Self.job(#"{"planId":"\#(plan.id.uuidString)"}"#, tenantID: contoso), context: context)
            let applied = try await harness.store.plan(id: plan.id)
            #expect(applied.status == .applied)
            #expect(applied.steps.filter { $0.action == .create }.count == 2)

            let wrong = try await harness.planner(blastRadiusLimit: 5).plan(
                snapshotID: snapshot.id, targetTenantID: fabrikam, target: try harness.session("fabrikam"), scope: .wholeTenant, actor: "test")
            await #expect(throws: PermanentJobError.self) {
                try await handler.run(Self.job(#"{"planId":"\#(wrong.id.uuidString)"}"#, tenantID: fabrikam), context: context)
            }
            await #expect(throws: PermanentJobError.self) {
                try await handler.run(Self.job(#"{"plan":"nope"}"#, tenantID: fabrikam), context: context)
            }
        }
    }
}
