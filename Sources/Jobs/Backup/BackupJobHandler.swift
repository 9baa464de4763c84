public import Foundation
public import Graph
import Logging
public import Queue
public import Tenancy
public import Restore
public import Vault

/// Runs `backup` jobs: reads every catalogue entry of the job's tenant from Graph and commits one
/// snapshot to the vault (see ``BackupRun``).
public struct BackupJobHandler: TypedJobHandler {
    /// `{"full": true|false}`, both optional.
    public struct Arguments: JobArguments {
        public static var kind: JobKind { .backup }
        /// Re-read everything even where a delta link exists.
        public var full: Bool?
        public init(full: Bool? = nil) { self.full = full }
    }

    let vault: Vault
    let sessions: any GraphSessionProvider
    let catalogue: [CatalogueEntry]
    /// A full pass is forced when the newest full snapshot is older than this.
    let fullPassInterval: TimeInterval
    /// Where a sign-in failure that only an operator can fix marks the tenant `credentials_invalid`.
    let tenants: TenantRegistry?
    /// Evaluates watch rules after each commit; nil raises no change alerts.
    let alerts: ChangeAlertEvaluator?

    public init(vault: Vault, sessions: any GraphSessionProvider, catalogue: [CatalogueEntry] = ResourceCatalogue.entries,
                fullPassInterval: TimeInterval = 7 * 86_400, tenants: TenantRegistry? = nil, alerts: ChangeAlertEvaluator? = nil) {
        self.vault = vault
        self.sessions = sessions
        self.catalogue = catalogue
        self.fullPassInterval = fullPassInterval
        self.tenants = tenants
        self.alerts = alerts
    }

    /// Every successful run commits (or finds) the job's snapshot with its claim's outcome record.
    public var recordsOutcome: Bool { true }

    public func run(_ job: Job, arguments: Arguments, context: JobContext) async throws {
        guard let tenantID = job.tenantID else { throw PermanentJobError("a backup job needs a tenant") }
        let snapshot: SnapshotSummary
        do {
            let session = try await self.sessions.session(tenantID: tenantID, logger: context.logger)
            let run = BackupRun(vault: self.vault, session: session, catalogue: self.catalogue, tenantID: tenantID, jobID: job.id,
                                claim: context.claim, forceFull: arguments.full ?? false, fullPassInterval: self.fullPassInterval,
                                logger: context.logger, report: { try await context.reportProgress(encoding: $0) })
            snapshot = try await run.run()
        } catch let error as GraphAuthenticationError where error.isCredentialInvalid {
            // Retrying cannot fix a wrong or expired secret, an unknown certificate or tenant, or an
            // app that is not consented: mark the tenant so the scheduler skips it, and stop here.
            try await self.tenants?.recordAuthenticationFailure(error, tenantID: tenantID, actor: "worker", logger: context.logger)
            context.logger.error("tenant credentials are invalid; backup abandoned", metadata: [
                "tenant.id": "\(tenantID.uuidString.lowercased())", "error.code": "\(error.code)",
                "graph.aadsts": "\(error.aadstsCode.map(String.init) ?? "")",
            ])
            throw PermanentJobError("tenant credentials are invalid: \(error.message)", underlying: error)
        } catch let error as TenancyError where error.code == .credentialNotFound {
            throw PermanentJobError("\(error.message); add a credential with `holdfast tenants update`", underlying: error)
        }
        // After the commit: a failure here must not fail (and re-run) a committed backup.
        do {
            // Graph's throttling budget follows the tenant's size: keep the registered class true,
            // so the next run (and restores) are paced by the right budget from their first request.
            let usersRead = self.catalogue.contains { $0.name == "user" } && !snapshot.missingTypes.contains { $0.type == "user" }
            let users = usersRead ? try await self.vault.currentCount(tenantID: tenantID, type: "user", logger: context.logger) : 0
            let sizeClass = ResourceUnitPacer.SizeClass(users: users)
            if usersRead, try await self.tenants?.recordSizeClass(sizeClass.rawValue, tenantID: tenantID, actor: "worker", logger: context.logger) == true {
                context.logger.notice("tenant size class updated from its user count", metadata: [
                    "tenant.id": "\(tenantID.uuidString.lowercased())", "tenant.size_class": "\(sizeClass.rawValue)", "tenant.users": "\(users)",
                ])
            }
        } catch {
            context.logger.error("tenant size class could not be recorded", metadata: [
                "tenant.id": "\(tenantID.uuidString.lowercased())", "error": "\(error)",
            ])
        }
        do {
            try await self.alerts?.evaluate(snapshot: snapshot, logger: context.logger)
        } catch {
            context.logger.error("change alerts could not be evaluated", metadata: [
                "tenant.id": "\(tenantID.uuidString.lowercased())", "snapshot.id": "\(snapshot.id)", "error": "\(error)",
            ])
        }
    }
}
