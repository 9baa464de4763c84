import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

@Suite("Faults and latency")
struct FaultTests {
    static let twoTenants = [
        TenantSpecification(name: "contoso", profile: .small, seed: 1),
        TenantSpecification(name: "fabrikam", profile: .small, seed: 2),
    ]

    @Test("503 with Retry-After and 504, recorded in the request log")
    func serviceUnavailable() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            try fixture.simulator.setFaults(FaultProfile(serviceUnavailableRate: 1, retryAfterOn503: 3), tenant: fixture.tenant.id)
            let unavailable = try await session.get("/users")
            #expect(unavailable.status == 503)
            #expect(unavailable.header("Retry-After") == "3")
            #expect(unavailable.errorCode == "serviceNotAvailable")
            try fixture.simulator.setFaults(FaultProfile(gatewayTimeoutRate: 1), tenant: fixture.tenant.id)
            #expect(try await session.get("/users").status == 504)
            try fixture.simulator.setFaults(nil, tenant: fixture.tenant.id)
            #expect(try await session.get("/users").status == 200)
            let faults = fixture.tenant.requestLog.records().compactMap(\.fault)
            #expect(faults == ["503", "504"])
        }
    }

    @Test("a 429 storm set over the admin API, with Retry-After, logged as throttled; bad profiles are refused")
    func tooManyRequestsStorm() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            let storm = try await AdminAPITests.admin(fixture.baseURL, "PUT", "/faults",
                                                      ["tooManyRequestsRate": 1, "retryAfterOn429": 1.5, "addedLatency": 0.01])
            #expect(storm.status == 200)
            #expect(try storm.json().objectValue?["tooManyRequestsRate"]?.doubleValue == 1)
            for _ in 0..<3 {
                let refused = try await session.get("/users")
                #expect(refused.status == 429)
                #expect(refused.errorCode == "TooManyRequests")
                #expect(refused.header("Retry-After") == "1.500")
            }
            let records = fixture.tenant.requestLog.records()
            #expect(records.compactMap(\.fault) == ["429", "429", "429"])
            #expect(records.filter(\.isThrottled).map(\.retryAfter) == [1.5, 1.5, 1.5])
            // An empty profile ends the storm.
            #expect(try await AdminAPITests.admin(fixture.baseURL, "PUT", "/faults", [:]).status == 200)
            #expect(try await session.get("/users").status == 200)

            for bad: JSONValue in [["tooManyRequestsRate": 1.5], ["tooManyRequestRate": 1], ["retryAfterOn429": -1],
                                   ["serviceUnavailableRate": "half"]] {
                let refused = try await AdminAPITests.admin(fixture.baseURL, "PUT", "/faults", bad)
                #expect(refused.status == 400, "\(bad)")
                #expect(try refused.json().objectValue?["error"]?.objectValue?["code"]?.stringValue == "invalidArgument")
            }
            let tenantBad = try await AdminAPITests.admin(fixture.baseURL, "PUT", "/tenants/\(fixture.tenant.id)/faults",
                                                          ["gatewayTimeoutRate": 2])
            #expect(tenantBad.status == 400)
            #expect(try await session.get("/users").status == 200)
        }
    }

    @Test("connection resets and truncated bodies fail the client below HTTP")
    func resetsAndTruncation() async throws {
        try await TestSupport.withFixture { fixture in
            let session = try await fixture.session()
            try fixture.simulator.setFaults(FaultProfile(connectionResetRate: 1), tenant: fixture.tenant.id)
            await #expect(throws: HTTPTestError.self) { try await session.get("/users") }
            try fixture.simulator.setFaults(FaultProfile(truncatedBodyRate: 1), tenant: fixture.tenant.id)
            await #expect(throws: HTTPTestError.self) { try await session.get("/users") }
            try fixture.simulator.setFaults(nil, tenant: fixture.tenant.id)
            #expect(try await session.get("/users").status == 200)
            #expect(fixture.tenant.requestLog.records().compactMap(\.fault) == ["reset", "truncate"])
        }
    }

    @Test("a tenant's profile overrides the global one; other tenants keep being served")
    func perTenant() async throws {
        try await TestSupport.withFixture(tenants: Self.twoTenants) { fixture in
            let other = try fixture.simulator.registerApplication(tenant: "fabrikam", displayName: "other", permissions: ["User.Read.All"])
            let otherSecret = try fixture.simulator.addClientSecret(clientId: other.clientId)
            let otherSession = try await GraphTestSession.acquire(baseURL: fixture.baseURL, tenant: "fabrikam.onmicrosoft.com",
                                                                   clientId: other.clientId, secret: otherSecret.value)
            let session = try await fixture.session()
            fixture.simulator.setFaults(FaultProfile(serviceUnavailableRate: 1))
            try fixture.simulator.setFaults(FaultProfile(addedLatency: 0.05), tenant: fixture.tenant.id)
            #expect(try await session.get("/users").status == 200)
            #expect(try await otherSession.get("/users").status == 503)
            fixture.simulator.setFaults(.none)
            #expect(try await otherSession.get("/users").status == 200)
        }
    }

    @Test("fault draws are seeded: the same profile gives the same sequence")
    func deterministic() async throws {
        func sequence() async throws -> [Int] {
            try await TestSupport.withFixture { fixture in
                let session = try await fixture.session()
                try fixture.simulator.setFaults(FaultProfile(serviceUnavailableRate: 0.5), tenant: fixture.tenant.id)
                var statuses: [Int] = []
                for _ in 0..<20 { statuses.append(try await session.get("/domains").status) }
                return statuses
            }
        }
        let first = try await sequence()
        #expect(first.contains(503) && first.contains(200))
        #expect(try await sequence() == first)
    }
}
