import Foundation
import Hummingbird
import Tenancy

/// Operators' policy routes over Tenancy's ``PolicyStore`` (its validation and audit).
struct PolicyRoutes: APIRouteGroup {
    let services: APIServices

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/policies", access: .staff) { request, _ in
            let page = try PageRequest.parse(request, configuration: services.configuration)
            let offset = try page.offset()
            let policies = try await services.policies.policies(offset: offset, limit: page.limit + 1)
            return try JSONResponse.make(page.page(offset: offset, fetched: policies.map(PolicyResource.init)))
        }
        routes.post("/v1/policies", access: .staff) { request, context in
            let body = try await request.decodeBody(PolicyBody.self, context: context)
            guard let name = body.name else { throw APIError(.invalidRequest, "field 'name' is required") }
            let policy = try await services.policies.create(name: name, settings: body.changes.applied(to: PolicySettings()),
                                                            actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(PolicyResource(policy), status: .created)
        }
        routes.get("/v1/policies/{policy_id}", access: .staff) { _, context in
            try JSONResponse.make(PolicyResource(try await services.policies.policy(id: try context.uuidParameter("policy_id"))))
        }
        routes.patch("/v1/policies/{policy_id}", access: .staff) { request, context in
            let id = try context.uuidParameter("policy_id")
            let body = try await request.decodeBody(PolicyBody.self, context: context)
            if body.name != nil { throw APIError(.invalidRequest, "field 'name' cannot be changed; create a new policy instead") }
            let changes = body.changes
            // An empty change answers the policy as it is (the store refuses it as nothing to change).
            let policy = changes.isEmpty ? try await services.policies.policy(id: id)
                : try await services.policies.update(id: id, changes: changes, actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(PolicyResource(policy))
        }
    }
}

extension PolicyStore {
    /// Assigns the policy a request body's `policy_id` names: a well-formed id naming no policy is
    /// 422 `unprocessable_request` (the path's tenant exists, so not 404); naming no tenant is 404.
    func assign(policyIDField text: String, tenantID: UUID, actor: String) async throws {
        let policyID = try Validate.uuid(text, field: "policy_id")
        do {
            _ = try await self.assign(policyID: policyID, tenantID: tenantID, actor: actor)
        } catch let error as PolicyError where error.code == .policyNotFound {
            throw APIError(.unprocessableRequest, "field 'policy_id' names no policy (\(text))", underlying: error)
        }
    }
}
