import Compliance
import Foundation
import Hummingbird

/// SLA routes: the fleet and one tenant for staff; the same, confined to their own tenants, for
/// partner keys (invariant 6: the evaluator is asked with `visibleToPartner`, so another partner's
/// tenant is never even read).
struct SLARoutes: APIRouteGroup {
    let services: APIServices

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/sla", access: .staff) { request, _ in
            let partnerID = try request.uri.queryParameters["partner_id"].map { try TenantRoutes.uuid(String($0), name: "partner_id") }
            return try await fleet(request, scope: partnerID.map(SLAScope.partner) ?? .all, visibleToPartner: nil)
        }

        routes.get("/v1/partner/sla", access: .partner) { request, context in
            let partnerID = try Self.partnerID(context)
            return try await fleet(request, scope: .partner(partnerID), visibleToPartner: partnerID)
        }

        routes.get("/v1/tenants/{tenant_id}/sla", access: .staff) { request, context in
            try await tenant(request, tenantID: try context.uuidParameter("tenant_id"), visibleToPartner: nil)
        }

        routes.get("/v1/partner/tenants/{tenant_id}/sla", access: .tenant(parameter: "tenant_id")) { request, context in
            // The gate has checked a partner key's tenant; confining the query as well costs nothing.
            try await tenant(request, tenantID: try context.uuidParameter("tenant_id"), visibleToPartner: try context.requirePrincipal().partnerID)
        }
    }

    static func partnerID(_ context: APIRequestContext) throws -> UUID {
        guard let partnerID = try context.requirePrincipal().partnerID else {
            throw APIError(.forbidden, "this route is for partner keys")
        }
        return partnerID
    }

    /// Worst first, paged by position; `state` filters (comma-separated).
    private func fleet(_ request: Request, scope: SLAScope, visibleToPartner: UUID?) async throws -> Response {
        let page = try PageRequest.parse(request, configuration: services.configuration)
        let stateList: [SLAState]? = try QueryValues.list(request, "state") { text in
            guard let state = SLAState(rawValue: String(text)) else {
                throw APIError(.invalidParameter, "state must be one of \(SLAState.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(text)')")
            }
            return state
        }
        let states = Set(stateList ?? [])
        let assessments = try await services.sla.assess(scope: scope, now: Date(), visibleToPartner: visibleToPartner)
            .filter { states.isEmpty || states.contains($0.state) }
        return try JSONResponse.make(try page.page(of: assessments))
    }

    private func tenant(_ request: Request, tenantID: UUID, visibleToPartner: UUID?) async throws -> Response {
        let now = Date()
        let period = try PeriodQuery.parse(request, now: now)
        // 404 for a tenant that does not exist (or, for a partner, is not theirs).
        let tenant = try await services.tenants.tenant(id: tenantID)
        guard visibleToPartner == nil || tenant.partnerID == visibleToPartner else {
            throw APIError(.notFound, "no tenant has id \(tenantID.uuidString.lowercased())")
        }
        let assessment = try await services.sla.assess(scope: .tenant(tenantID), now: now, visibleToPartner: visibleToPartner).first
        let transitions = try await services.sla.transitions(tenantID: tenantID, from: period.from, to: period.to)
        return try JSONResponse.make(TenantSLAResource(
            tenantId: tenantID.apiString, protected: assessment != nil, sla: assessment, from: period.from, to: period.to,
            transitions: transitions.map(SLATransitionResource.init)))
    }
}
