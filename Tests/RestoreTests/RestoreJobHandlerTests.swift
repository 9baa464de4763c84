import Foundation
import Logging
import Graph
import GraphSim
import Jobs
import Queue
import Restore
import Synchronization
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

    /// Review F16: the plan was applied, then the worker died before the job completed; the retry
    /// must complete the job, not discard it as "already applied".
    @Test func aRetryAfterTheApplyFinishedCompletesTheJob() async throws {
        try await RestoreHarness.run { harness in
            let snapshot = try await harness.backup("contoso")
            let contoso = try harness.tenantID("contoso")
            _ = try harness.simulator.apply(.hardDeleteUsers(count: 1), tenant: "contoso")
            let handler = RestoreJobHandler(store: harness.store, sessions: HarnessSessions(sessions: [contoso: try harness.session("contoso")]))
            let plan = try await harness.planner().plan(snapshotID: snapshot.id, targetTenantID: contoso, target: try harness.session("contoso"),
                                                        scope: RestoreScope(types: ["user"], onlyMissing: true), actor: "test")
            let (job, context) = try await harness.claimedJob(.restore, tenantID: contoso, arguments: #"{"planId":"\#(plan.id.uuidString)"}"#)
            try await handler.run(job, context: context)
            #expect(try await harness.store.plan(id: plan.id).status == .applied)

            // The worker stops before it completes the job; the rescuer hands it to another attempt.
            let retried = try await harness.takeOver(try #require(job.claim))
            let log = try #require(harness.simulator.tenant(named: "contoso")).requestLog
            let mark = log.totalCount
            let progress = ProgressBox()
            let retryContext = JobContext(claim: retried, logger: harness.logger, progressReporter: { json in progress.set(json) })
            try await handler.run(job, context: retryContext)
            #expect(log.records(after: mark).allSatisfy { $0.method == "GET" }, "the retry wrote to Graph again")
            #expect(progress.value?.contains("\"resumed\":\"true\"") == true, "\(progress.value ?? "no progress")")

            _ = try await JobCompleter(client: harness.schema.client, logger: harness.logger).complete([retried])

            // Another job cannot apply the same plan again.
            let (other, otherContext) = try await harness.claimedJob(.restore, tenantID: contoso, arguments: #"{"planId":"\#(plan.id.uuidString)"}"#)
            await #expect(throws: PermanentJobError.self) { try await handler.run(other, context: otherContext) }
        }
    }
}

final class ProgressBox: Sendable {
    private let stored = Mutex<String?>(nil)
    func set(_ value: String) { self.stored.withLock { $0 = value } }
    var value: String? { self.stored.withLock { $0 } }
}
