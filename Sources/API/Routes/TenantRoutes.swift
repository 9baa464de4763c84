import Foundation
import Hummingbird
import Jobs
import Queue
import Tenancy

/// Operators' tenant routes: list, show, onboard, suspend / resume / offboard, assign a policy,
/// and run a backup now.
struct TenantRoutes: APIRouteGroup {
    let services: APIServices

    func addRoutes(to routes: inout APIRoutes) {
        routes.get("/v1/tenants", access: .staff) { request, _ in
            let page = try PageRequest.parse(request, configuration: services.configuration)
            let query = request.uri.queryParameters
            let partnerID = try query["partner_id"].map { try Self.uuid(String($0), name: "partner_id") }
            let status = try query["status"].map { text in
                guard let status = TenantStatus(rawValue: String(text)) else {
                    throw APIError(.invalidParameter, "status must be one of \(TenantStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return status
            }
            let offset = try page.offset()
            let tenants = try await services.tenants.tenants(partnerID: partnerID, status: status, offset: offset, limit: page.limit + 1)
            return try JSONResponse.make(page.page(offset: offset, fetched: tenants.map(TenantResource.init)))
        }

        routes.post("/v1/tenants", access: .staff) { request, context in
            let body = try await request.decodeBody(OnboardTenantBody.self, context: context)
            let actor = try context.requirePrincipal().actor
            let onboarding = TenantOnboardingRoute(services: services)
            return try JSONResponse.make(try await onboarding.onboard(body, actor: actor), status: .created)
        }

        routes.post("/v1/tenants/import", access: .staff) { request, context in
            let body = try await request.decodeBody(ImportTenantsBody.self, context: context)
            let actor = try context.requirePrincipal().actor
            return try JSONResponse.make(try await TenantImportRoute(services: services).run(body, actor: actor))
        }

        routes.post("/v1/tenants/{tenant_id}/reprobe", access: .staff) { _, context in
            let tenantID = try context.uuidParameter("tenant_id")
            let actor = try context.requirePrincipal().actor
            return try JSONResponse.make(try await TenantOnboardingRoute(services: services).reprobe(tenantID: tenantID, actor: actor))
        }

        routes.get("/v1/tenants/{tenant_id}", access: .staff) { _, context in
            let tenant = try await services.tenants.tenant(id: try context.uuidParameter("tenant_id"))
            return try JSONResponse.make(TenantResource(tenant))
        }

        for (action, status) in [("suspend", TenantStatus.suspended), ("resume", .active), ("offboard", .offboarded)] {
            routes.post("/v1/tenants/{tenant_id}/\(action)", access: .staff) { request, context in
                let tenantID = try context.uuidParameter("tenant_id")
                let body = try await request.decodeBody(StatusChangeBody.self, context: context)
                let current = try await services.tenants.tenant(id: tenantID)
                if current.status == .offboarded, status != .offboarded {
                    throw APIError(.invalidState, "tenant \(tenantID.uuidString.lowercased()) is offboarded; onboard it again instead")
                }
                let updated = try await services.tenants.setStatus(status, reason: body.reason, tenantID: tenantID,
                                                                   actor: try context.requirePrincipal().actor)
                return try JSONResponse.make(TenantResource(updated))
            }
        }

        routes.put("/v1/tenants/{tenant_id}/policy", access: .staff) { request, context in
            let tenantID = try context.uuidParameter("tenant_id")
            let body = try await request.decodeBody(AssignPolicyBody.self, context: context)
            try await services.policies.assign(policyIDField: body.policyID, tenantID: tenantID, actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(["tenant_id": tenantID.uuidString.lowercased(), "policy_id": body.policyID.lowercased()])
        }

        routes.put("/v1/tenants/{tenant_id}/scratch", access: .staff) { request, context in
            let tenantID = try context.uuidParameter("tenant_id")
            let body = try await request.decodeBody(ScratchBody.self, context: context)
            let updated = try await services.tenants.setScratch(body.scratch, tenantID: tenantID, actor: try context.requirePrincipal().actor)
            return try JSONResponse.make(TenantResource(updated))
        }

        routes.post("/v1/tenants/{tenant_id}/backups", access: .staff) { request, context in
            let tenantID = try context.uuidParameter("tenant_id")
            let body = try await request.decodeBody(RunBackupBody.self, context: context)
            // 404 for a tenant that does not exist; the enqueue refuses a suspended or offboarded one.
            _ = try await services.tenants.tenant(id: tenantID, logger: context.logger)
            // The CLI's unique key: one pending manual backup per tenant, whoever asks.
            let request = try EnqueueRequest(BackupJobHandler.Arguments(full: body.full == true ? true : nil), tenantID: tenantID,
                                             priority: QueuePriority.manualBackup, uniqueKey: "backup:manual:\(tenantID.uuidString.lowercased())")
            let result = try await services.enqueuer.enqueue(request)
            context.logger.info("backup requested through the API", metadata: [
                "tenant.id": "\(tenantID.uuidString.lowercased())", "job.id": "\(result.job.id)",
            ])
            return try JSONResponse.make(EnqueuedJob(job: JobResource(result.job), inserted: result.inserted),
                                         status: result.inserted ? .accepted : .ok)
        }
    }

    static func uuid(_ text: String, name: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw APIError(.invalidParameter, "\(name) must be a UUID (got '\(text)')") }
        return id
    }

    struct EnqueuedJob: Encodable, Sendable {
        var job: JobResource
        /// False when a manual backup of the tenant was already pending and is returned instead.
        var inserted: Bool
    }

    struct StatusChangeBody: APIRequestBody {
        static let fields: Set<String> = ["reason"]
        var reason: String

        func validate() throws { try Validate.nonEmpty(reason, field: "reason", maxLength: 500) }
    }

    struct AssignPolicyBody: APIRequestBody {
        static let fields: Set<String> = ["policy_id"]
        var policyID: String
        enum CodingKeys: String, CodingKey { case policyID = "policy_id" }
    }

    /// Marks (true) or unmarks (false) a scratch tenant for restore drills.
    struct ScratchBody: APIRequestBody {
        static let fields: Set<String> = ["scratch"]
        var scratch: Bool
    }

    struct RunBackupBody: APIRequestBody {
        static let fields: Set<String> = ["full"]
        var full: Bool?
    }
}
