import Foundation
import Graph
import GraphSim
import Jobs
import Queue
import Restore
import Testing

/// The validation job's restore drill wired as the worker wires it: `ScratchTenantRestoreDrill`
/// over the real restore engine, restoring into an empty graph-sim tenant.
@Suite("Validation restore drill")
struct ValidationDrillTests {
    static func job(_ id: Int64, tenantID: UUID) -> Job {
        Job(id: id, kind: .validation, tenantID: tenantID, state: .running, priority: 100, runAt: Date(), arguments: "{}",
            attempt: 1, maxAttempts: 5, workerID: UUID(), leaseExpiresAt: nil, heartbeatAt: nil, attemptedAt: Date(), progress: nil,
            errors: [], uniqueKey: nil, cancelRequested: false, createdAt: Date(), finalizedAt: nil)
    }

    @Test func aValidationJobDrillsIntoTheScratchTenantAndRefusesToDrillIntoTheTenantItself() async throws {
        try await RestoreHarness.run(tenants: [
            TenantSpecification(name: "contoso", profile: .small, seed: 11),
            TenantSpecification(name: "scratch", profile: .empty, seed: 13),
        ]) { harness in
            let contoso = try harness.tenantID("contoso")
            let scratch = try harness.tenantID("scratch")
            _ = try await harness.backup("contoso")
            let sessions = HarnessSessions(sessions: [contoso: try harness.session("contoso"), scratch: try harness.session("scratch")])
            let engine = RestoreDrill(vault: harness.vault, store: harness.store, logger: harness.logger)
            let context = JobContext(claim: JobClaim(jobID: 91, workerID: UUID(), attempt: 1), logger: harness.logger,
                                     progressReporter: { _ in })
            let client = harness.schema.client

            // Misconfigured: the scratch tenant is the validated one. Nothing is written; the check fails, naming the setting.
            let itself = ValidationJobHandler(vault: harness.vault, sessions: sessions,
                                              drill: ScratchTenantRestoreDrill(drill: engine, sessions: sessions, scratchTenantID: contoso))
            try await itself.run(Self.job(91, tenantID: contoso), context: context)
            let refused = try #require(try await ValidationStore(client: client).validations(tenantID: contoso).first { $0.jobID == 91 })
            let refusedDrill = try #require(refused.check(ValidationCheck.restoreDrill))
            #expect(refusedDrill.status == .failed)
            #expect(refusedDrill.failures.count == 1 && refusedDrill.failures.allSatisfy { $0.contains("HOLDFAST_DRILL_SCRATCH_TENANT") },
                    "\(refusedDrill.failures)")
            #expect(refused.restoreSeconds == nil && !refused.passed)

            // Configured with the scratch tenant: the snapshot is restored there and compares equal.
            let drilled = ValidationJobHandler(vault: harness.vault, sessions: sessions,
                                               drill: ScratchTenantRestoreDrill(drill: engine, sessions: sessions, scratchTenantID: scratch))
            try await drilled.run(Self.job(92, tenantID: contoso), context: context)
            let validation = try #require(try await ValidationStore(client: client).validations(tenantID: contoso).first { $0.jobID == 92 })
            let drill = try #require(validation.check(ValidationCheck.restoreDrill))
            #expect(drill.status == .passed, "\(drill.summary) \(drill.failures.prefix(30))")
            let restored = try #require(drill.summary.firstMatch(of: #/restored (\d+) objects into (\S+) /#))
            #expect(Int(restored.1).map { $0 > 0 } == true, "\(drill.summary)")
            #expect(restored.2 == scratch.uuidString.lowercased())
            let seconds = try await client.query("SELECT restore_seconds FROM validations WHERE job_id = 92").first?
                .decode(Double?.self, "restore_seconds")
            #expect((seconds ?? nil).map { $0 > 0 } == true, "restore_seconds \(String(describing: seconds))")
        }
    }
}
