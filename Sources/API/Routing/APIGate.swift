import Foundation
import Hummingbird
import Logging
import Metrics
import Postgres

/// Checks a request against its route's ``APIAccess`` before the handler runs: the key (401),
/// the role (403), and for partner keys the tenant in the path (404 unless it is theirs).
struct APIGate: Sendable {
    let keys: APIKeyStore
    let client: PostgresClient
    let limiter: APIRateLimiter

    /// Routes that read a tenant through Graph, walk a long history, or build a report: limited
    /// per key (``APIConfiguration/expensiveRequestsPerMinute``). Kept here, in one place, so a
    /// route group cannot forget it.
    static let expensiveRoutes: Set<String> = [
        "GET /v1/tenants/{tenant_id}/diff", "GET /v1/tenants/{tenant_id}/object/history", "POST /v1/tenants/{tenant_id}/restores",
        "POST /v1/tenants", "POST /v1/tenants/{tenant_id}/reprobe",
        "GET /v1/reports/compliance", "GET /v1/partner/reports/compliance",
        "GET /v1/sla", "GET /v1/partner/sla", "GET /v1/tenants/{tenant_id}/sla", "GET /v1/partner/tenants/{tenant_id}/sla",
    ]

    func handle(_ route: APIRoute, _ request: Request, _ context: APIRequestContext) async throws -> Response {
        var context = context
        if route.access != .anonymous {
            let principal = try await authenticate(request, logger: context.logger)
            try await authorize(principal, route: route, method: request.method, context: context)
            if Self.expensiveRoutes.contains(route.signature), let wait = limiter.take(key: principal.key.keyID) {
                Counter(label: "holdfast_api_rate_limited_total").increment()
                var error = APIError(.rateLimited, "this key has made too many expensive calls (reports, diffs, histories, plans); retry in \(wait) s")
                error.retryAfterSeconds = wait
                throw error
            }
            context.principal = principal
            context.logger[metadataKey: "api_key.id"] = "\(principal.key.keyID)"
        }
        return try await route.handler(request, context)
    }

    private func authenticate(_ request: Request, logger: Logger) async throws -> APIPrincipal {
        guard let header = request.headers[.authorization] else {
            throw APIError(.unauthenticated, "send an API key as 'Authorization: Bearer hf_live_…'")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            throw APIError(.unauthenticated, "the Authorization header must be 'Bearer <API key>'")
        }
        switch try await keys.authenticate(token: String(parts[1]).trimmingCharacters(in: .whitespaces), logger: logger) {
        case .success(let key):
            return APIPrincipal(key: key)
        case .failure(.invalid):
            // A rising rate is someone guessing keys or a client with a stale one: worth an alert.
            Counter(label: "holdfast_api_key_rejections_total", dimensions: [("reason", "invalid")]).increment()
            throw APIError(.invalidAPIKey, "the API key is not valid")
        case .failure(.revoked):
            Counter(label: "holdfast_api_key_rejections_total", dimensions: [("reason", "revoked")]).increment()
            throw APIError(.revokedAPIKey, "the API key has been revoked")
        }
    }

    private func authorize(_ principal: APIPrincipal, route: APIRoute, method: HTTPRequest.Method, context: APIRequestContext) async throws {
        if principal.role == .readOnly, method != .get, method != .head {
            throw APIError(.readOnlyKey, "a read-only key can only call GET routes")
        }
        switch (route.access, principal.role) {
        case (.anonymous, _), (.staff, .operator), (.staff, .readOnly), (.tenant, .operator), (.tenant, .readOnly), (.partner, .partner):
            return
        case (.staff, .partner):
            throw APIError(.forbidden, "partner keys cannot use this route")
        case (.partner, _):
            throw APIError(.forbidden, "this route is for partner keys")
        case (.tenant(let parameter), .partner):
            let text = context.parameters.get(parameter) ?? ""
            guard let tenantID = UUID(uuidString: text), let partnerID = principal.partnerID,
                  try await tenantPartner(tenantID, logger: context.logger) == partnerID else {
                // The same answer as for a tenant that does not exist (invariant 6).
                throw APIError(.notFound, "no tenant has id \(text)")
            }
        }
    }

    private func tenantPartner(_ tenantID: UUID, logger: Logger) async throws -> UUID? {
        try await client.query("SELECT partner_id FROM tenants WHERE id = \(tenantID)", logger: logger).first?.decode(UUID?.self, "partner_id")
    }
}
