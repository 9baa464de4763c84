import Foundation
import Graph
import GraphSim
import Jobs
import Queue
import Restore
import Tenancy
import Testing

/// The validation job's restore drill wired as the worker wires it: `ScratchTenantRestoreDrill`
/// over the real restore engine, restoring into an empty graph-sim tenant.
@Suite("Validation restore drill")
struct ValidationDrillTests {
    /// A tenant to validate and an empty one to drill into.
    static let tenants = [
        TenantSpecification(name: "contoso", profile: .small, seed: 11),
        TenantSpecification(name: "scratch", profile: .empty, seed: 13),
    ]

    @Test func aValidationJobDrillsIntoTheScratchTenantAndRefusesToDrillIntoTheTenantItself() async throws {
        try await RestoreHarness.run(tenants: Self.tenants) { harness in
            let contoso = try harness.tenantID("contoso")
            let scratch = try harness.tenantID("scratch")
            _ = try await harness.backup("contoso")
            let sessions = HarnessSessions(sessions: [contoso: try harness.session("contoso"), scratch: try harness.session("scratch")])
            let engine = RestoreDrill(vault: harness.vault, store: harness.store, logger: harness.logger)
            let client = harness.schema.client

            // Misconfigured: the scratch tenant is the validated one. Nothing is written; the check fails, naming the setting.
            let registry = TenantRegistry(client: harness.schema.client, logger: harness.logger)
            let itself = ValidationJobHandler(vault: harness.vault, sessions: sessions,
                                              drill: ScratchTenantRestoreDrill(drill: engine, sessions: sessions, scratchTenantID: contoso,
                                                                               tenants: registry))
            let (first, firstContext) = try await harness.claimedJob(.validation, tenantID: contoso)
            try await itself.run(first, context: firstContext)
            try await harness.finish(first)
            let refused = try #require(try await ValidationStore(client: client).validations(tenantID: contoso).first { $0.jobID == first.id })
            let refusedDrill = try #require(refused.check(ValidationCheck.restoreDrill))
            #expect(refusedDrill.status == .failed)
            #expect(refusedDrill.failures.count == 1 && refusedDrill.failures.allSatisfy { $0.contains("HOLDFAST_DRILL_SCRATCH_TENANT") },
                    "\(refusedDrill.failures)")
            #expect(refused.restoreSeconds == nil && !refused.passed)

            // Configured with a tenant not marked as a scratch tenant: refused, nothing written.
            let drilled = ValidationJobHandler(vault: harness.vault, sessions: sessions,
                                               drill: ScratchTenantRestoreDrill(drill: engine, sessions: sessions, scratchTenantID: scratch,
                                                                                tenants: registry))
            let log = try #require(harness.simulator.tenant(named: "scratch")).requestLog
            let mark = log.totalCount
            let (second, secondContext) = try await harness.claimedJob(.validation, tenantID: contoso)
            try await drilled.run(second, context: secondContext)
            try await harness.finish(second)
            let unmarked = try #require(try await ValidationStore(client: client).validations(tenantID: contoso).first { $0.jobID == second.id })
            let unmarkedDrill = try #require(unmarked.check(ValidationCheck.restoreDrill))
            #expect(unmarkedDrill.status == .failed)
            #expect(unmarkedDrill.failures.contains { $0.contains("not marked as a scratch tenant") }, "\(unmarkedDrill.failures)")
            #expect(log.records(after: mark).allSatisfy { $0.method == "GET" }, "a drill wrote into an unmarked tenant")

            // Marked as a scratch tenant: the snapshot is restored there and compares equal.
            try await registry.setScratch(true, tenantID: scratch, actor: "test")
            let (third, thirdContext) = try await harness.claimedJob(.validation, tenantID: contoso)
            try await drilled.run(third, context: thirdContext)
            try await harness.finish(third)
            let validation = try #require(try await ValidationStore(client: client).validations(tenantID: contoso).first { $0.jobID == third.id })
            let drill = try #require(validation.check(ValidationCheck.restoreDrill))
            #expect(drill.status == .passed, "\(drill.summary) \(drill.failures.prefix(30))")
            let restored = try #require(drill.summary.firstMatch(of: #/restored (\d+) objects into (\S+) /#))
            #expect(Int(restored.1).map { $0 > 0 } == true, "\(drill.summary)")
            #expect(restored.2 == scratch.uuidString.lowercased())
            let seconds = try await client.query("SELECT restore_seconds FROM validations WHERE job_id = \(third.id)").first?
                .decode(Double?.self, "restore_seconds")
            #expect((seconds ?? nil).map { $0 > 0 } == true, "restore_seconds \(String(describing: seconds))")
        }
    }

    @Test func drillsIntoOneScratchTenantRunOneAtATime() async throws {
        try await RestoreHarness.run { harness in
            let scratch = try harness.tenantID("scratch")
            try await TenantRegistry(client: harness.schema.client, logger: harness.logger).setScratch(true, tenantID: scratch, actor: "test")
            let contoso = try await harness.backup("contoso")
            let fabrikam = try await harness.backup("fabrikam")
            let engine = RestoreDrill(vault: harness.vault, store: harness.store, logger: harness.logger)
            let session = try harness.session("scratch")
            // Two validations (of two tenants) drilling into the same scratch tenant at once.
            let plans = try await withThrowingTaskGroup(of: UUID.self) { group in
                for snapshot in [contoso, fabrikam] {
                    group.addTask {
                        try await engine.run(snapshotID: snapshot.id, scratchTenantID: scratch, scratch: session,
                                             scope: RestoreScope(types: ["group"])).planID
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            try #require(plans.count == 2)
            // Each drill planned, applied and finished before the other planned: no overlap.
            let rows = try await harness.schema.client.query("""
                SELECT created_at, finished_at FROM restore_plans WHERE id = ANY (\(plans)::uuid[]) ORDER BY created_at
                """)
            try #require(rows.count == 2)
            let firstFinished = try #require(try rows.rows[0].decode(Date?.self, "finished_at"))
            let secondPlanned = try rows.rows[1].decode(Date.self, "created_at")
            #expect(firstFinished <= secondPlanned, "the drills overlapped: one planned at \(secondPlanned), the other finished at \(firstFinished)")
        }
    }

    @Test func aDrillWhoseValidationJobLostItsLeaseWritesNothingAndRecordsNothing() async throws {
        try await RestoreHarness.run(tenants: Self.tenants) { harness in
            let contoso = try harness.tenantID("contoso")
            let scratch = try harness.tenantID("scratch")
            let registry = TenantRegistry(client: harness.schema.client, logger: harness.logger)
            try await registry.setScratch(true, tenantID: scratch, actor: "test")
            _ = try await harness.backup("contoso")
            let sessions = HarnessSessions(sessions: [contoso: try harness.session("contoso"), scratch: try harness.session("scratch")])
            let handler = ValidationJobHandler(
                vault: harness.vault, sessions: sessions,
                drill: ScratchTenantRestoreDrill(drill: RestoreDrill(vault: harness.vault, store: harness.store, logger: harness.logger),
                                                 sessions: sessions, scratchTenantID: scratch, tenants: registry))
            let (job, claimed) = try await harness.claimedJob(.validation, tenantID: contoso)
            // The worker could not renew the job's lease in time (a stalled process): the drill must not write.
            let lapsed = JobContext(claim: claimed.claim, logger: harness.logger, leaseCheck: { false }, progressReporter: { _ in })
            let log = try #require(harness.simulator.tenant(named: "scratch")).requestLog
            let mark = log.totalCount
            await #expect(throws: RestoreError(.claimLost, "")) { try await handler.run(job, context: lapsed) }
            #expect(log.records(after: mark).allSatisfy { $0.method == "GET" }, "a drill wrote after its job's lease lapsed")
            #expect(try await ValidationStore(client: harness.schema.client).validations(tenantID: contoso).isEmpty)

            // Another attempt took the job over: the first attempt's claim no longer holds, so its plan cannot begin.
            _ = try await harness.takeOver(claimed.claim)
            let stale = JobContext(claim: claimed.claim, logger: harness.logger, progressReporter: { _ in })
            await #expect(throws: RestoreError(.claimLost, "")) { try await handler.run(job, context: stale) }
            #expect(log.records(after: mark).allSatisfy { $0.method == "GET" }, "a superseded attempt's drill wrote")
        }
    }
}
