import Compliance
import Foundation
import Metrics
import Synchronization
import Tenancy

/// Per-tenant gauges, labelled by the tenant's Holdfast id: the time of its newest committed
/// snapshot (from the leader's SLA rounds) and of its soonest-expiring credential (from the
/// credential check, only credentials within its warning window, which bounds the series). A
/// tenant that leaves a family has its series removed rather than left at a stale value.
final class TenantHealthMetrics: SLAEvaluationObserver {
    private static let snapshotLabel = "holdfast_tenant_newest_snapshot_timestamp_seconds"
    private static let expiryLabel = "holdfast_tenant_credential_expiry_timestamp_seconds"
    private let snapshotTenants = Mutex<Set<UUID>>([])
    private let expiryTenants = Mutex<Set<UUID>>([])

    func evaluated(_ round: SLAEvaluationRound) {
        for state in SLAState.allCases {
            Gauge(label: "holdfast_tenants", dimensions: [("sla_state", state.rawValue)])
                .record(round.assessments.count { $0.state == state })
        }
        var newest: [UUID: Date] = [:]
        for assessment in round.assessments {
            if let at = assessment.newestSnapshotAt { newest[assessment.tenantID] = at }
        }
        Self.replace(Self.snapshotLabel, tenants: snapshotTenants, with: newest)
    }

    func evaluationStopped() {
        for state in SLAState.allCases {
            Gauge(label: "holdfast_tenants", dimensions: [("sla_state", state.rawValue)]).destroy()
        }
        Self.replace(Self.snapshotLabel, tenants: snapshotTenants, with: [:])
    }

    func credentialsChecked(_ expiring: [CredentialExpiry]) {
        var soonest: [UUID: Date] = [:]
        for credential in expiring {
            soonest[credential.tenantID] = min(soonest[credential.tenantID] ?? .distantFuture, credential.expiresAt)
        }
        Self.replace(Self.expiryLabel, tenants: expiryTenants, with: soonest)
    }

    /// Records `values` under `label` and removes the series of tenants no longer among them.
    private static func replace(_ label: String, tenants: borrowing Mutex<Set<UUID>>, with values: [UUID: Date]) {
        let gone = tenants.withLock { known in
            let gone = known.subtracting(values.keys)
            known = Set(values.keys)
            return gone
        }
        for tenant in gone {
            Gauge(label: label, dimensions: [("tenant", tenant.uuidString.lowercased())]).destroy()
        }
        for (tenant, date) in values {
            Gauge(label: label, dimensions: [("tenant", tenant.uuidString.lowercased())]).record(date.timeIntervalSince1970)
        }
    }
}
