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
    @Test func aRestoreJobAppliesItsPlanAndAGuardDiscardsIt() async throws {
        try await RestoreHarness.run { harness in
            let snapshot = try await harness.backup("contoso")
            let contoso = try harness.tenantID("contoso")
            let fabrikam = try harness.tenantID("fabrikam")
            _ = try harness.simulator.apply(.hardDeleteUsers(count: 2), tenant: "contoso")
            let sessions = HarnessSessions(sessions: [contoso: try harness.session("contoso"), fabrikam: try harness.session("fabrikam")])
            let handler = RestoreJobHandler(store: harness.store, sessions: sessions)

            let plan = try await harness.planner().plan(snapshotID: snapshot.id, targetTenantID: contoso, target: try harness.session("contoso"),
                                                        scope: RestoreScope(types: ["user"], onlyMissing: true), actor: "test")
            let (job, context) = try await harness.claimedJob(.restore, tenantID: contoso, arguments: #"{"planId":"\#(plan.id.uuidString)"}"#)
            try await handler.run(job, context: context)
            let applied = try await harness.store.plan(id: plan.id)
            #expect(applied.status == .applied)
            #expect(applied.steps.filter { $0.action == .create }.count == 2)

            let wrong = try await harness.planner(blastRadiusLimit: 5).plan(
                snapshotID: snapshot.id, targetTenantID: fabrikam, target: try harness.session("fabrikam"), scope: .wholeTenant, actor: "test")
            let (wrongJob, wrongContext) = try await harness.claimedJob(.restore, tenantID: fabrikam,
                                                                        arguments: #"{"planId":"\#(wrong.id.uuidString)"}"#)
            await #expect(throws: PermanentJobError.self) { try await handler.run(wrongJob, context: wrongContext) }
            try await harness.finish(wrongJob)
            let (malformed, malformedContext) = try await harness.claimedJob(.restore, tenantID: fabrikam, arguments: #"{"plan":"nope"}"#)
            await #expect(throws: PermanentJobError.self) { try await handler.run(malformed, context: malformedContext) }
        }
    }
}
