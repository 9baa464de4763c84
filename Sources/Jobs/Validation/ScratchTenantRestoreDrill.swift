public import Foundation
public import Logging
public import Restore
public import Queue
public import Tenancy

/// The validation job's restore drill through the restore engine: the snapshot is restored into
/// one scratch tenant the operator onboarded for drills (a graph-sim tenant, or a sandbox), read
/// back and compared with the snapshot up to id remapping.
///
/// A drill overwrites its target with another tenant's directory, with the guards confirmed: it
/// refuses any tenant not explicitly marked as a scratch tenant (`holdfast tenants add --scratch`,
/// or `update --scratch`), so a mistyped id can never make it write into a customer's directory,
/// and drills into one scratch tenant run one at a time (``RestoreDrill``).
public struct ScratchTenantRestoreDrill: RestoreDrilling {
    let drill: RestoreDrill
    let sessions: any GraphSessionProvider
    let scratchTenantID: UUID
    let tenants: TenantRegistry

    public init(drill: RestoreDrill, sessions: any GraphSessionProvider, scratchTenantID: UUID, tenants: TenantRegistry) {
        self.drill = drill
        self.sessions = sessions
        self.scratchTenantID = scratchTenantID
        self.tenants = tenants
    }

    public func drill(tenantID: UUID, snapshotID: Int64, job: JobContext?, logger: Logger) async throws -> RestoreDrillOutcome {
        // A drill writes everything it restores: never into the tenant it protects.
        guard tenantID != self.scratchTenantID else {
            throw RestoreDrillConfigurationError(message: "the drill's scratch tenant is the tenant being validated (\(tenantID.uuidString.lowercased())); configure another tenant with HOLDFAST_DRILL_SCRATCH_TENANT")
        }
        let scratchTenant: Tenant
        do {
            scratchTenant = try await self.tenants.tenant(id: self.scratchTenantID)
        } catch let error as TenancyError where error.code == .tenantNotFound {
            throw RestoreDrillConfigurationError(message: "the drill's scratch tenant \(self.scratchTenantID.uuidString.lowercased()) (HOLDFAST_DRILL_SCRATCH_TENANT) is not a tenant Holdfast knows")
        }
        guard scratchTenant.scratch else {
            throw RestoreDrillConfigurationError(message: "tenant \(scratchTenant.displayName) (\(self.scratchTenantID.uuidString.lowercased())), set as HOLDFAST_DRILL_SCRATCH_TENANT, is not marked as a scratch tenant; a drill overwrites it, so it refuses any other. Mark a tenant made for drills with `holdfast tenants update TENANT --scratch`")
        }
        let scratch = try await self.sessions.session(tenantID: self.scratchTenantID, logger: logger)
        let result = try await self.drill.run(snapshotID: snapshotID, scratchTenantID: self.scratchTenantID, scratch: scratch,
                                              claim: job?.claim, leaseIsCurrent: { job?.leaseIsCurrent ?? true })
        logger.info("restore drill finished", metadata: [
            "tenant.id": "\(tenantID.uuidString.lowercased())", "snapshot.id": "\(snapshotID)",
            "restore.plan_id": "\(result.planID.uuidString.lowercased())", "restore.seconds": "\(result.restoreSeconds)",
            "restore.differences": "\(result.differences.count)",
        ])
        return RestoreDrillOutcome(scratchTenant: self.scratchTenantID.uuidString.lowercased(), restoreSeconds: result.restoreSeconds,
                                   objectsRestored: result.objectsRestored, differences: result.differences.map(\.description))
    }
}

/// A drill that cannot run as configured; the validation records it as a failed drill check.
public struct RestoreDrillConfigurationError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { self.message }
}
