import Foundation
@testable import GraphSim
import GraphSimTesting
import Testing

@Suite("Throttling as documented")
struct ThrottlingTests {
    /// Requests until the first 429 (at most `limit`).
    static func firstThrottle(_ session: GraphTestSession, _ path: String, limit: Int = 200) async throws -> HTTPTestResponse? {
        for _ in 0..<limit {
            let response = try await session.get(path)
            if response.status == 429 { return response }
        }
        return nil
    }

    @Test("every response carries x-ms-resource-unit with the documented cost and modifiers")
    func resourceUnits() async throws {
        try await TestSupport.withFixture(throttling: true) { fixture in
            let session = try await fixture.session()
            let expectations: [(String, String)] = [
                ("/users", "2"), ("/users?$select=id", "1"), ("/users?$top=5", "1"), ("/users?$top=50", "2"),
                ("/groups", "1"), ("/applications", "2"), ("/subscribedSkus", "3"), ("/oauth2PermissionGrants", "2"),
                ("/domains", "1"),
            ]
            for (path, units) in expectations {
                let response = try await session.get(path)
                #expect(response.status == 200)
                #expect(response.header("x-ms-resource-unit") == units, "\(path)")
            }
            let group = try #require(try await session.get("/groups?$top=1").json().items.first?["id"]?.stringValue)
            #expect(try await session.get("/groups/\(group)/members").header("x-ms-resource-unit") == "3")
            #expect(try await session.get("/groups/\(group)/transitiveMembers").header("x-ms-resource-unit") == "5")
            #expect(try await session.get("/groups/\(group)?$expand=members").header("x-ms-resource-unit") == "2")
            let missing = try await session.get("/users/00000000-0000-0000-0000-000000000000")
            #expect(missing.header("x-ms-resource-unit") != nil)
        }
    }

    @Test("a 429 has the documented body and headers, and the limit percentage shows above 80%")
    func throttledResponse() async throws {
        try await TestSupport.withFixture(throttling: true, scale: 0.01) { fixture in
            let session = try await fixture.session()
            var sawPercentage = false
            var throttled: HTTPTestResponse?
            for _ in 0..<200 {
                let response = try await session.get("/users")
                if response.header("x-ms-throttle-limit-percentage") != nil { sawPercentage = true }
                if response.status == 429 {
                    throttled = response
                    break
                }
            }
            let response = try #require(throttled)
            #expect(sawPercentage)
            let retryAfter = try #require(response.header("Retry-After").flatMap(Double.init))
            #expect(retryAfter > 0)
            #expect(response.header("x-ms-throttle-scope") == "Tenant_Application/Read/\(fixture.application.clientId)/\(fixture.tenant.id)")
            #expect(response.header("x-ms-throttle-information") == "ResourceUnitLimitExceeded")
            let body = try response.json()
            #expect(body["error"]?["code"]?.stringValue == "TooManyRequests")
            #expect(body["error"]?["message"]?.stringValue == "Please retry again later.")
            #expect(body["error"]?["innerError"]?["code"]?.stringValue == "429")
            #expect(body["error"]?["innerError"]?["status"]?.stringValue == "429")
            #expect(body["error"]?["innerError"]?["message"]?.stringValue == "Please retry after")
            let percentage = try #require(response.header("x-ms-throttle-limit-percentage").flatMap(Double.init))
            #expect(percentage >= 0.8 && percentage <= 1.8)

            let record = try #require(fixture.tenant.requestLog.records().last { $0.isThrottled })
            #expect(record.retryAfter == retryAfter)
            #expect(record.appId == fixture.application.clientId)
            #expect(record.throttleScope?.hasPrefix("Tenant_Application/Read/") == true)
        }
    }

    @Test("a client that waits out Retry-After gets through; one that ignores it keeps being refused")
    func retryAfterHonoured() async throws {
        try await TestSupport.withFixture(throttling: true, scale: 0.01) { fixture in
            let session = try await fixture.session()
            let first = try #require(try await Self.firstThrottle(session, "/users"))
            let wait = try #require(first.header("Retry-After").flatMap(Double.init))

            // Ignoring Retry-After (five requests at once): usage keeps counting, so the wait grows.
            let ignored = try await withThrowingTaskGroup(of: HTTPTestResponse.self) { group in
                for _ in 0..<5 { group.addTask { try await session.get("/users") } }
                var all: [HTTPTestResponse] = []
                for try await response in group { all.append(response) }
                return all
            }
            // Sent at once after a 429, they arrive inside its window; but a stalled machine may
            // deliver one after it, which is then rightly served. The exact sequence is
            // `ignoringRetryAfterLengthensTheWait`, on the throttler's own clock.
            let refused = ignored.filter { $0.status == 429 }
            #expect(!refused.isEmpty)
            #expect(refused.allSatisfy { $0.header("Retry-After").flatMap(Double.init) != nil })
            let longest = refused.compactMap { $0.header("Retry-After").flatMap(Double.init) }.max() ?? wait

            // Honouring the longest one.
            try await Task.sleep(for: .milliseconds(Int((longest * 1000).rounded(.up)) + 50))
            let after = try await session.get("/users")
            #expect(after.status == 200)
            // The request log proves the client waited: the success came after the last 429 plus its Retry-After.
            let records = fixture.tenant.requestLog.records()
            let lastThrottled = try #require(records.last { $0.isThrottled })
            let success = try #require(records.last)
            #expect(success.status == 200)
            #expect(success.receivedAt.timeIntervalSince(lastThrottled.receivedAt) >= (lastThrottled.retryAfter ?? 0))
            #expect(fixture.tenant.requestLog.throttledCount == records.filter(\.isThrottled).count)
        }
    }

    @Test("ignoring Retry-After lengthens the wait; honouring it gets through, whichever bucket was short")
    func ignoringRetryAfterLengthensTheWait() throws {
        // The tenant's bucket refills at 1 unit a second, the app-wide one at 0.1: the tenant's
        // refuses first, but the app-wide one is then the longer wait.
        var limits = ThrottleLimits()
        limits.resourceUnitsSmall = 10
        limits.resourceUnitWindow = 10
        limits.appResourceUnits = 10
        limits.appResourceUnitWindow = 100
        let throttler = Throttler(limits: limits)
        let request = ThrottleRequest(appId: "app", tenantId: "tenant", sizeClass: .small, cost: 2, isWrite: false,
                                      isConditionalAccess: false, listsKeyCredentials: false, scale: 1)
        let start = ContinuousClock.now
        func at(_ seconds: Double) -> ContinuousClock.Instant { start + .milliseconds(Int64((seconds * 1000).rounded())) }

        for _ in 0..<5 { #expect(throttler.admit(request, now: at(0)).allowed) }
        let first = throttler.admit(request, now: at(0))
        #expect(!first.allowed)
        #expect(first.scope == "Tenant_Application/Read/app/tenant")
        let firstWait = try #require(first.retryAfter)
        // Both buckets are 2 units in debt: the app-wide one needs 4 units at 0.1 a second.
        #expect(abs(firstWait - 40) < 0.01)

        // Ignored: every refused request is charged, so the wait grows.
        var wait = firstWait
        for step in 1...3 {
            let again = throttler.admit(request, now: at(Double(step)))
            #expect(!again.allowed)
            let next = try #require(again.retryAfter)
            #expect(Double(step) + next > wait, "the wait did not grow at step \(step)")
            wait = Double(step) + next
        }
        // Half a second before the last window ends: still refused (and charged). Its own window
        // honoured: served.
        let early = throttler.admit(request, now: at(wait - 0.5))
        #expect(!early.allowed)
        let earlyWait = try #require(early.retryAfter)
        #expect(throttler.admit(request, now: at(wait - 0.5 + earlyWait + 0.001)).allowed)
    }

    @Test("conditional access allows 1 request per second per tenant and its 429 has no Retry-After")
    func conditionalAccess() async throws {
        try await TestSupport.withFixture(throttling: true) { fixture in
            let session = try await fixture.session()
            // Several requests at once: one gets through, the others are refused.
            let responses = try await withThrowingTaskGroup(of: HTTPTestResponse.self) { group in
                for index in 0..<6 {
                    group.addTask {
                        try await session.get(index % 2 == 0 ? "/identity/conditionalAccess/policies" : "/identity/conditionalAccess/namedLocations")
                    }
                }
                var all: [HTTPTestResponse] = []
                for try await response in group { all.append(response) }
                return all
            }
            #expect(responses.contains { $0.status == 200 })
            let refused = responses.filter { $0.status == 429 }
            #expect(!refused.isEmpty)
            for response in refused {
                #expect(response.header("Retry-After") == nil)
                #expect(response.errorCode == "TooManyRequests")
            }
            // Other resources are not affected.
            #expect(try await session.get("/users").status == 200)
        }
    }

    @Test("write limits refuse writes while reads still pass")
    func writeLimits() async throws {
        var limits = ThrottleLimits()
        limits.appTenantWrites = 5
        try await TestSupport.withFixture(throttling: true, limits: limits) { fixture in
            let session = try await fixture.session()
            let user = try #require(try await session.get("/users?$top=1&$select=id").json().items.first?["id"]?.stringValue)
            var refused: HTTPTestResponse?
            for index in 0..<20 {
                let response = try await session.send("PATCH", "/users/\(user)", json: ["jobTitle": .string("Title \(index)")])
                if response.status == 429 {
                    refused = response
                    break
                }
                #expect(response.status == 204)
            }
            let response = try #require(refused)
            #expect(response.header("x-ms-throttle-information") == "WriteLimitExceeded")
            #expect(response.header("x-ms-throttle-scope")?.hasPrefix("Tenant_Application/Write/") == true)
            #expect(try await session.get("/users/\(user)?$select=id").status == 200)
        }
    }

    @Test("throttling can be switched off per tenant")
    func perTenantSwitch() async throws {
        try await TestSupport.withFixture(throttling: true, scale: 0.01) { fixture in
            try fixture.simulator.setThrottling(tenant: fixture.tenant.id, enabled: false)
            let session = try await fixture.session()
            #expect(try await Self.firstThrottle(session, "/users", limit: 60) == nil)
            try fixture.simulator.setThrottling(tenant: fixture.tenant.id, enabled: nil)
            #expect(try await Self.firstThrottle(session, "/users", limit: 200) != nil)
        }
    }
}
