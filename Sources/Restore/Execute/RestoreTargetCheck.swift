public import Foundation
public import Logging
public import Postgres
import Tenancy

/// Whether a plan may be applied now, against the tenants as they are (docs/security.md, F11):
/// checked when a restore is enqueued (API, CLI) and again when it begins.
///
/// - the plan has not expired (``RestorePlan/expiresAt``), and is `planned`, or `failed` after an
///   apply (to retry its failed steps), never discarded;
/// - the target tenant is not suspended or offboarded;
/// - a snapshot of one partner's tenant goes into another partner's tenant only when that tenant
///   is a scratch tenant (restore drills): one customer's directory never lands in another
///   partner's customer.
public struct RestoreTargetCheck: Sendable {
    let registry: TenantRegistry

    public init(client: PostgresClient, logger: Logger) {
        self.registry = TenantRegistry(client: client, logger: logger)
    }

    /// Throws the ``RestoreError`` that refuses applying `plan` now, or returns.
    public func check(_ plan: RestorePlan, now: Date = Date()) async throws {
        let id = plan.id.uuidString.lowercased()
        switch plan.status {
        case .applied: throw RestoreError(.invalidState, "restore plan \(id) is already applied")
        case .failed where plan.appliedAt == nil: throw RestoreError(.invalidState, "restore plan \(id) was discarded; plan again")
        case .planned, .applying, .failed: break
        }
        if plan.expiresAt <= now && plan.status != .applying {
            throw RestoreError(.expired, "restore plan \(id) expired at \(plan.expiresAt): it describes the tenant as it was when planned; plan again")
        }
        try await self.checkTenants(of: plan)
    }

    /// The target's status and partner, as in ``check(_:now:)``.
    func checkTenants(of plan: RestorePlan) async throws {
        let target = try await self.tenant(plan.targetTenantID)
        let name = "\(target.displayName) (\(target.id.uuidString.lowercased()))"
        switch target.status {
        case .suspended, .offboarded:
            throw RestoreError(.tenantRefused, "tenant \(name) is \(target.status.rawValue)\(target.statusReason.map { " (\($0))" } ?? ""); a restore does not write into it")
        case .onboarding, .active, .paused, .credentialsInvalid:
            break
        }
        guard plan.isCrossTenant else { return }
        let source = try await self.tenant(plan.sourceTenantID)
        if source.partnerID != target.partnerID && !target.scratch {
            throw RestoreError(.tenantRefused, "tenant \(name) belongs to another partner than the snapshot's tenant \(source.displayName); a restore copies one partner's directory only into a scratch tenant")
        }
    }

    private func tenant(_ id: UUID) async throws -> Tenant {
        do {
            return try await self.registry.tenant(id: id)
        } catch let error as TenancyError where error.code == .tenantNotFound {
            throw RestoreError(.notFound, "no tenant has id \(id.uuidString.lowercased())")
        }
    }
}
