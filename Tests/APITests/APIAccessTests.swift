import Foundation
import Hummingbird
import Testing
@testable import API

/// Every route in the router, called by every kind of caller: the access each route declares is
/// what callers get, and a partner key never reads or touches another partner's tenant
/// (invariant 6). A route added without a matching entry here fails, by construction.
@Suite struct APIAccessTests {
    @Test func theRouterHoldsExactlyTheRouteTable() async throws {
        try await APIFixture.run { fixture in
            let router = fixture.server.makeRouter()
            let registered = Set(router.routes.map { "\($0.method) \($0.path)" })
            let table = Set(fixture.server.routes.all.map { "\($0.method) \(RouterPath($0.routerPath))" })
            #expect(registered == table, "every route must be registered through APIRoutes, which requires an access")
            #expect(fixture.server.routes.all.count >= 25)
        }
    }

    @Test func everyRouteWithEveryCaller() async throws {
        try await APIFixture.run { fixture in
            for route in fixture.server.routes.all {
                for caller in APIFixture.Caller.allCases {
                    // Partner keys try both their own tenant and the other partner's.
                    let tenants = caller == .partnerA ? [fixture.tenantA, fixture.tenantB] : [fixture.tenantB]
                    for tenant in tenants {
                        try await check(route, caller: caller, tenant: tenant, fixture: fixture)
                    }
                }
            }
        }
    }

    private func check(_ route: APIRoute, caller: APIFixture.Caller, tenant: UUID, fixture: APIFixture) async throws {
        let target = try fill(route, tenant: tenant, fixture: fixture)
        let body: String? = route.method == .get ? nil : "{}"
        let response = try await fixture.send(route.method.rawValue, target, as: caller, json: body)
        let where_ = "\(caller) \(route.method) \(target) -> \(response.status) \(response.text.prefix(200))"
        let text = response.text.lowercased()
        #expect(response.raw.header("X-Request-Id")?.isEmpty == false, "\(where_)")
        if response.status >= 400 {
            #expect(response.errorCode != nil, "every error has the JSON error shape: \(where_)")
        }

        if route.access == .anonymous {
            #expect(![401, 403].contains(response.status), "\(where_)")
            return
        }
        switch caller {
        case .anonymous:
            #expect(response.status == 401 && response.errorCode == "unauthenticated", "\(where_)")
        case .revoked:
            #expect(response.status == 401 && response.errorCode == "revoked_api_key", "\(where_)")
        case .operatorKey:
            if route.access == .partner {
                #expect(response.status == 403, "\(where_)")
            } else {
                #expect(![401, 403].contains(response.status), "\(where_)")
            }
        case .readOnly:
            if route.method != .get {
                #expect(response.status == 403 && response.errorCode == "read_only_key", "\(where_)")
            } else if route.access == .partner {
                #expect(response.status == 403, "\(where_)")
            } else {
                #expect(![401, 403].contains(response.status), "\(where_)")
            }
        case .partnerA, .partnerB:
            let own = (caller == .partnerA ? fixture.tenantA : fixture.tenantB) == tenant
            let other = caller == .partnerA ? (fixture.tenantB, fixture.partnerB) : (fixture.tenantA, fixture.partnerA)
            // Whatever the route and answer, nothing of the other partner appears.
            #expect(!text.contains(other.0.lower) || !own && response.status == 404, "leaked another partner's tenant: \(where_)")
            #expect(!text.contains(other.1.lower), "leaked another partner's id: \(where_)")
            switch route.access {
            case .staff:
                #expect(response.status == 403 && response.errorCode == "forbidden", "\(where_)")
            case .partner:
                #expect(response.status == 200, "\(where_)")
            case .tenant:
                if own {
                    #expect(response.status < 400, "\(where_)")
                } else {
                    #expect(response.status == 404 && response.errorCode == "not_found", "\(where_)")
                }
            case .anonymous:
                break
            }
        }
    }

    /// A concrete target for a route. A new path parameter needs a sample value here.
    private func fill(_ route: APIRoute, tenant: UUID, fixture: APIFixture) throws -> String {
        var path = route.path
        for name in route.parameterNames {
            let value: String
            switch name {
            case "tenant_id": value = tenant.lower
            case "job_id": value = String(fixture.jobB)
            case "snapshot_id": value = String(fixture.snapshotB)
            case "policy_id": value = fixture.standardPolicy.lower
            case "plan_id": value = "5f0c7a1e-4a3b-4c2d-9e8f-0123456789ab"
            default:
                Issue.record("\(route.signature): add a sample value for {\(name)} to APIAccessTests.fill")
                value = "x"
            }
            path = path.replacingOccurrences(of: "{\(name)}", with: value)
        }
        // Query parameters some routes require, so that they answer past validation.
        if route.path.hasSuffix("/object") { path += "?type=user&id=u1" }
        if route.path.hasSuffix("/diff") { path += "?from=\(fixture.snapshotB)&to=\(fixture.snapshotB)" }
        return path
    }
}
