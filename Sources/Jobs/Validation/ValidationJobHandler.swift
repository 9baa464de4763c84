import Foundation
public import Graph
public import Queue
public import Vault

/// Runs `validation` jobs: validates a snapshot of the job's tenant (the newest unless the
/// arguments name one, `{"snapshot_id": 42}`) and stores the result in `validations`.
public struct ValidationJobHandler: TypedJobHandler {
    /// `{"snapshot_id": N}`, optional (default: the newest snapshot).
    public struct Arguments: JobArguments {
        public static var kind: JobKind { .validation }
        public var snapshotID: Int64?
        enum CodingKeys: String, CodingKey { case snapshotID = "snapshot_id" }
        public init(snapshotID: Int64? = nil) { self.snapshotID = snapshotID }

        public func validate() throws(QueueError) {
            if let snapshotID, snapshotID <= 0 { throw Self.invalid("snapshot_id", "must be a snapshot id (positive), not \(snapshotID)") }
        }
    }

    let vault: Vault
    let sessions: (any GraphSessionProvider)?
    let drill: (any RestoreDrilling)?
    let catalogue: [CatalogueEntry]

    /// `sessions` nil skips the completeness comparison; `drill` nil records the restore drill as
    /// skipped ("no restore drill configured").
    public init(vault: Vault, sessions: (any GraphSessionProvider)?, drill: (any RestoreDrilling)?,
                catalogue: [CatalogueEntry] = ResourceCatalogue.entries) {
        self.vault = vault
        self.sessions = sessions
        self.drill = drill
        self.catalogue = catalogue
    }

    public func run(_ job: Job, arguments: Arguments, context: JobContext) async throws {
        guard let tenantID = job.tenantID else { throw PermanentJobError("a validation job needs a tenant") }
        let snapshot: SnapshotSummary
        if let id = arguments.snapshotID {
            do {
                snapshot = try await self.vault.snapshot(id: id)
            } catch let error as VaultError where error.code == .notFound {
                throw PermanentJobError("validation job \(job.id): no snapshot has id \(id)", underlying: error)
            }
            guard snapshot.tenantID == tenantID else {
                throw PermanentJobError("validation job \(job.id): snapshot \(id) is not one of tenant \(tenantID.uuidString.lowercased())'s")
            }
        } else {
            guard let newest = try await self.vault.snapshots(tenantID: tenantID, limit: 1).first else {
                // A scheduled run before the first backup: nothing to prove yet, and nothing failed.
                context.logger.notice("no snapshot to validate yet", metadata: ["tenant.id": "\(tenantID.uuidString.lowercased())"])
                try await context.reportProgress("{\"skipped\": \"the tenant has no snapshot yet\"}")
                return
            }
            snapshot = newest
        }
        var live: (any LiveTenant)?
        if let sessions {
            do {
                live = GraphLiveTenant(session: try await sessions.session(tenantID: tenantID, logger: context.logger))
            } catch {
                context.logger.warning("no Graph session for the completeness check", metadata: ["error": "\(error)"])
            }
        }
        let run = ValidationRun(vault: self.vault, catalogue: self.catalogue, live: live, drill: self.drill, job: context, logger: context.logger)
        let result = try await ValidationStore(client: self.vault.client).record(try await run.run(snapshot: snapshot, jobID: job.id))
        try await context.reportProgress(encoding: result)
    }
}
