public import Foundation
public import Postgres
public import Queue

/// Admits jobs only for tenants that may have them: a tenant that does not exist gets none, and an
/// offboarded or suspended one only jobs of kinds that serve what was kept
/// (``JobArguments/servesInactiveTenants``: retention). Checked at enqueue, in the enqueue's transaction, so `holdfast backup run` for an
/// unknown or offboarded tenant is refused with the reason instead of failing in a worker later.
public struct TenantEnqueueAdmission: EnqueueAdmission {
    public init() {}

    public func admit(_ jobs: [EnqueueAdmissionRequest], on connection: PostgresConnection) async throws {
        let ids = Array(Set(jobs.map(\.tenantID)))
        var statuses: [UUID: String] = [:]
        for row in try await connection.query("SELECT id, status FROM tenants WHERE id = ANY(\(ids)::uuid[])") {
            statuses[try row.decode(UUID.self, "id")] = try row.decode(String.self, "status")
        }
        for job in jobs {
            let id = job.tenantID.uuidString.lowercased()
            guard let status = statuses[job.tenantID] else {
                throw QueueError(code: .tenantNotAdmitted, message: "no tenant has id \(id); a \(job.kind) job needs a registered tenant")
            }
            guard status == TenantStatus.offboarded.rawValue || status == TenantStatus.suspended.rawValue else { continue }
            guard job.servesInactiveTenants else {
                throw QueueError(code: .tenantNotAdmitted, message: "tenant \(id) is \(status); it gets no \(job.kind) jobs (resume it first)")
            }
        }
    }
}
