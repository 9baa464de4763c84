import Audit
import Foundation
import Hummingbird

/// The audit log, newest first, optionally of one tenant.
struct AuditRoutes: APIRouteGroup {
    let services: APIServices

    struct AuditEntryResource: Encodable, Sendable {
        var id: Int64
        var actor: String
        var action: String
        var tenantID: String?
        var partnerID: String?
        var details: [String: String]
        var at: Date
    }

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/audit", access: .staff) { request, _ in
            let page = try PageRequest.parse(request, configuration: services.configuration)
            let tenantID = try request.uri.queryParameters["tenant_id"].map { try TenantRoutes.uuid(String($0), name: "tenant_id") }
            let entries = try await AuditLog.entries(tenantID: tenantID, beforeID: try page.beforeID(), limit: page.limit + 1, client: services.client)
            let resources = entries.map {
                AuditEntryResource(id: $0.id, actor: $0.actor, action: $0.action, tenantID: $0.tenantID?.apiString, partnerID: $0.partnerID?.apiString,
                                   details: $0.details, at: $0.at)
            }
            return try JSONResponse.make(page.page(descendingIDs: resources, id: \.id))
        }
    }
}
