public import Foundation
public import Graph
public import Logging
public import Vault
import Postgres
public import Queue

/// A restore rehearsal: restores a snapshot into a scratch tenant, reads it back and compares it
/// with the snapshot up to id remapping. The validation job calls ``run(snapshotID:scratchTenantID:scratch:)``.
public struct RestoreDrill: Sendable {
    /// What a drill measured.
    public struct Result: Sendable {
        public var planID: UUID
        /// Wall time of applying the plan (planning and comparison excluded).
        public var restoreSeconds: Double
        /// Objects and references written (steps done).
        public var objectsRestored: Int
        /// Every object that does not match the snapshot; empty when the drill passed.
        public var differences: [RestoreComparison.Difference]
        /// What the operator would have to do by hand after a real restore.
        public var operatorActions: [OperatorAction]
        public var passed: Bool { self.differences.isEmpty }
    }

    let vault: Vault
    let store: RestoreStore
    let configuration: RestoreConfiguration
    let logger: Logger

    public init(vault: Vault, store: RestoreStore, configuration: RestoreConfiguration = .init(), logger: Logger) {
        self.vault = vault
        self.store = store
        self.configuration = configuration
        self.logger = logger
    }

    /// Restores the whole of `snapshotID` into the scratch tenant (registered as
    /// `scratchTenantID`, reached through `scratch`) and compares. The scratch tenant should be
    /// empty: the blast-radius guard is confirmed, as overwriting a scratch tenant is its purpose.
    ///
    /// Drills into one scratch tenant run one at a time, whatever the number of workers: each
    /// holds a session-level advisory lock on the scratch tenant while it plans, applies and
    /// compares (another drill's writes would show up as differences, or be overwritten).
    ///
    /// `claim` and `leaseIsCurrent`: the validation job's, when it runs as one; the plan's writes
    /// are then conditional on the claim and Graph writes stop once the lease lapses (as a restore
    /// job's, ``RestoreExecutor``).
    public func run(snapshotID: Int64, scratchTenantID: UUID, scratch: GraphSession,
                    scope: RestoreScope = .wholeTenant, actor: String = "restore-drill", claim: JobClaim? = nil,
                    leaseIsCurrent: @escaping @Sendable () -> Bool = { true }) async throws -> Result {
        try await self.store.client.withConnection { connection in
            let key = "holdfast.restore.drill/" + scratchTenantID.uuidString.lowercased()
            // Tried, not waited for inside the server: a waiting statement could not be cancelled
            // cleanly, and the lock must never stay with a pooled session.
            var pause = 100
            while try await connection.query("SELECT pg_try_advisory_lock(hashtextextended(\(key), 0)) AS held").first?
                .decode(Bool.self, "held") != true {
                self.logger.debug("another restore drill is writing into the scratch tenant; waiting", metadata: [
                    "tenant.id": "\(scratchTenantID.uuidString.lowercased())",
                ])
                try await Task.sleep(for: .milliseconds(pause))
                pause = min(pause * 2, 2_000)
            }
            do {
                let result = try await self.runHoldingLock(snapshotID: snapshotID, scratchTenantID: scratchTenantID, scratch: scratch,
                                                           scope: scope, actor: actor, claim: claim, leaseIsCurrent: leaseIsCurrent)
                try await Self.unlock(key, on: connection)
                return result
            } catch {
                try? await Self.unlock(key, on: connection)
                throw error
            }
        }
    }

    /// Releases the drill's lock; a session that cannot say it did is closed, so the pool never
    /// hands out a session still holding it.
    private static func unlock(_ key: String, on connection: PostgresConnection) async throws {
        do {
            try await connection.query("SELECT pg_advisory_unlock(hashtextextended(\(key), 0))")
        } catch {
            await connection.close()
            throw error
        }
    }

    private func runHoldingLock(snapshotID: Int64, scratchTenantID: UUID, scratch: GraphSession, scope: RestoreScope, actor: String,
                                claim: JobClaim?, leaseIsCurrent: @escaping @Sendable () -> Bool) async throws -> Result {
        // Waiting for the lock may have outlasted the job's lease: a lapsed attempt does not even plan.
        guard leaseIsCurrent() else {
            throw RestoreError(.claimLost, "the lease of job \(claim.map { "\($0.jobID)" } ?? "?") was not renewed in time; the drill does not start")
        }
        let planner = RestorePlanner(vault: self.vault, store: self.store, configuration: self.configuration, logger: self.logger)
        let plan = try await planner.plan(snapshotID: snapshotID, targetTenantID: scratchTenantID, target: scratch, scope: scope, actor: actor)
        let executor = RestoreExecutor(store: self.store, configuration: self.configuration, logger: self.logger)
        let outcome = try await executor.apply(planID: plan.id, target: scratch, actor: actor, claim: claim, leaseIsCurrent: leaseIsCurrent,
                                               confirmBlastRadius: true, confirmLockout: true)
        let snapshot = try await self.vault.snapshot(id: snapshotID)
        let types = RestorableTypes.closure(of: scope.types ?? RestorableTypes.all)
        let source = try await SnapshotObjectReader(vault: self.vault).objects(of: snapshot, types: types)
        var differences = try await RestoreComparison().differences(plan: outcome.plan, map: outcome.map, source: source, target: scratch)
        differences += outcome.failedSteps.map {
            RestoreComparison.Difference(type: $0.type, key: $0.sourceKey, problem: "write failed: \($0.detail ?? "")")
        }
        return Result(planID: plan.id, restoreSeconds: outcome.seconds,
                      objectsRestored: outcome.plan.steps.filter { $0.status == .done }.count,
                      differences: differences, operatorActions: outcome.plan.operatorActions)
    }
}
