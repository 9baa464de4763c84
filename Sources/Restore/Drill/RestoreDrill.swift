public import Foundation
public import Graph
public import Logging
public import Vault

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
    public func run(snapshotID: Int64, scratchTenantID: UUID, scratch: GraphSession,
                    scope: RestoreScope = .wholeTenant, actor: String = "restore-drill") async throws -> Result {
        let planner = RestorePlanner(vault: self.vault, store: self.store, configuration: self.configuration, logger: self.logger)
        let plan = try await planner.plan(snapshotID: snapshotID, targetTenantID: scratchTenantID, target: scratch, scope: scope, actor: actor)
        let executor = RestoreExecutor(store: self.store, configuration: self.configuration, logger: self.logger)
        let outcome = try await executor.apply(planID: plan.id, target: scratch, actor: actor, confirmBlastRadius: true, confirmLockout: true)
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
