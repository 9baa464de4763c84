import Foundation
import Hummingbird
import Postgres

/// Partner routes: a partner key sees the summary of its own tenants, and nothing else.
///
/// Partner-facing routes for one tenant (SLA, compliance reports) belong under
/// `/v1/partner/tenants/{tenant_id}/…` with access `.tenant(parameter: "tenant_id")`, so the
/// gate checks the tenant's partner before the handler runs.
struct PartnerRoutes: APIRouteGroup {
    let services: APIServices

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/partner/tenants", access: .partner) { request, context in
            guard let partnerID = try context.requirePrincipal().partnerID else {
                throw APIError(.forbidden, "this route is for partner keys")
            }
            let page = try PageRequest.parse(request, configuration: services.configuration)
            let offset = try page.offset()
            let summaries = try await summaries(partnerID: partnerID, tenantID: nil, offset: offset, limit: page.limit + 1)
            return try JSONResponse.make(page.page(offset: offset, fetched: summaries))
        }

        routes.get("/v1/partner/tenants/{tenant_id}", access: .tenant(parameter: "tenant_id")) { _, context in
            let tenantID = try context.uuidParameter("tenant_id")
            // The gate has checked a partner key's tenant; operators may look at any.
            guard let summary = try await summaries(partnerID: nil, tenantID: tenantID, offset: 0, limit: 1).first else {
                throw APIError(.notFound, "no tenant has id \(tenantID.uuidString.lowercased())")
            }
            return try JSONResponse.make(summary)
        }
    }

    private func summaries(partnerID: UUID?, tenantID: UUID?, offset: Int, limit: Int) async throws -> [TenantSummaryResource] {
        try await services.client.query("""
            SELECT t.id, t.display_name, t.primary_domain, t.status, t.status_changed_at, s.committed_at, s.status AS snapshot_status
            FROM tenants t
            LEFT JOIN LATERAL (SELECT committed_at, status FROM snapshots WHERE tenant_id = t.id ORDER BY id DESC LIMIT 1) s ON true
            WHERE (\(partnerID)::uuid IS NULL OR t.partner_id = \(partnerID)) AND (\(tenantID)::uuid IS NULL OR t.id = \(tenantID))
            ORDER BY t.display_name, t.id OFFSET \(offset) LIMIT \(limit)
            """).rows.map { row in
            TenantSummaryResource(
                id: try row.decode(UUID.self, "id").apiString, displayName: try row.decode(String.self, "display_name"),
                primaryDomain: try row.decode(String?.self, "primary_domain"), status: try row.decode(String.self, "status"),
                statusChangedAt: try row.decode(Date.self, "status_changed_at"), lastSnapshotAt: try row.decode(Date?.self, "committed_at"),
                lastSnapshotStatus: try row.decode(String?.self, "snapshot_status"))
        }
    }
}
