import Foundation
@testable import Graph
import Testing

/// The documented bodies in ../shared/graph-samples, read as the client reads them.
@Suite("Documented Graph and token bodies")
struct GraphSampleTests {
    /// The copy vendored in Tests/Fixtures (refreshed from the project's shared/graph-samples).
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures/graph-samples")

    func sample(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: Self.samples.appendingPathComponent(name)))
    }

    @Test func throttledErrorBody() throws {
        let error = GraphError.parse(status: 429, body: try sample("error-429-throttled.json"),
                                     headers: ["retry-after": "2.128"], clientRequestID: "c1")
        #expect(error.code == .tooManyRequests)
        #expect(error.requestID == "94fb3b52-452a-4535-a601-69e0a90e3aa2")
        #expect(error.date == "2020-08-18T12:51:51")
        #expect(error.retryAfter == .milliseconds(2128))
        #expect(error.clientRequestID == "c1")
    }

    @Test func tokenErrorBody() throws {
        let body = try sample("token-error-invalid-scope.json")
        let error = GraphTokenProvider.error(
            from: .init(status: 400, headers: [:], body: body, httpVersion: .http1_1, effectiveURL: "x"),
            identity: GraphIdentity(tenant: "t", clientID: "c"))
        #expect(error.code == .invalidScope)
        #expect(error.aadstsCode == 70011)
        #expect(error.oauthError == "invalid_scope")
        #expect(error.traceID == "255d1aef-8c98-452f-ac51-23d051240864")
        #expect(error.correlationID == "fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7")
        #expect(error.message.hasPrefix("AADSTS70011:"))
        #expect(!error.message.contains("Trace ID"))
    }

    @Test func costEstimatesFollowTheDocumentedTable() {
        #expect(ResourceUnitPacer.estimatedCost(method: "GET", path: "/users") == 2)
        #expect(ResourceUnitPacer.estimatedCost(method: "GET", path: "/users?$select=id") == 1)
        #expect(ResourceUnitPacer.estimatedCost(method: "GET", path: "/groups/1/members") == 3)
        #expect(ResourceUnitPacer.estimatedCost(method: "GET", path: "/groups/1/members?$expand=manager") == 4)
        #expect(ResourceUnitPacer.estimatedCost(method: "GET", path: "/groups/1/transitiveMembers") == 5)
        #expect(ResourceUnitPacer.estimatedCost(method: "GET", path: "/users?$top=10&$select=id") == 1)
        #expect(ResourceUnitPacer.estimatedCost(method: "GET", path: "/organization") == 1)
        #expect(ResourceUnitPacer.estimatedCost(method: "POST", path: "/directoryObjects/getByIds") == 3)
    }

    @Test func pacerMakesCallersWaitOnceTheBucketIsEmpty() {
        let pacer = ResourceUnitPacer(headroom: 1)
        let identity = GraphIdentity(tenant: "t", clientID: "c")
        let now = Date()
        // Small tenant: 3,500 units per 10 s.
        #expect(pacer.reserve(3_500, for: identity, now: now) == 0)
        let wait = pacer.reserve(350, for: identity, now: now)
        #expect(abs(wait - 1) < 0.001)
        // Graph reporting 150 % of the limit slows the refill.
        pacer.record(estimated: 1, charged: 1, limitPercentage: 1.5, for: identity, now: now)
        #expect(pacer.reserve(35, for: identity, now: now) > 1.1)
    }

    @Test func aLargerSizeClassKeepsTheUnitsAlreadySpent() {
        let pacer = ResourceUnitPacer(headroom: 1)
        let identity = GraphIdentity(tenant: "t", clientID: "c")
        let now = Date()
        #expect(pacer.sizeClass(for: identity) == .small)
        #expect(pacer.reserve(3_000, for: identity, now: now) == 0)
        // 8,000 units per 10 s from now on, with 3,000 of them already spent.
        pacer.raiseSizeClass(to: .large, for: identity)
        #expect(pacer.sizeClass(for: identity) == .large)
        #expect(pacer.reserve(5_000, for: identity, now: now) == 0)
        #expect(abs(pacer.reserve(800, for: identity, now: now) - 1) < 0.001)
        // Raising never lowers.
        pacer.raiseSizeClass(to: .medium, for: identity)
        #expect(pacer.sizeClass(for: identity) == .large)
        #expect(ResourceUnitPacer.SizeClass(users: 49) == .small)
        #expect(ResourceUnitPacer.SizeClass(users: 50) == .medium)
        #expect(ResourceUnitPacer.SizeClass(users: 500) == .medium)
        #expect(ResourceUnitPacer.SizeClass(users: 501) == .large)
    }

    @Test func conditionalAccessRequestsAreSpacedOneSecondApartPerTenant() {
        let pacer = ResourceUnitPacer()
        let now = Date()
        #expect(pacer.reserveConditionalAccess(tenant: "a", now: now) == 0)
        let second = pacer.reserveConditionalAccess(tenant: "a", now: now)
        let third = pacer.reserveConditionalAccess(tenant: "a", now: now)
        #expect(second >= 1 && second < 1.2)
        #expect(third >= 2 && third < 2.4)
        // Another tenant has its own second.
        #expect(pacer.reserveConditionalAccess(tenant: "b", now: now) == 0)
        #expect(ResourceUnitPacer.isConditionalAccess(path: "/identity/conditionalAccess/policies?$top=5"))
        #expect(ResourceUnitPacer.isConditionalAccess(path: "/identity/conditionalAccess/namedLocations"))
        #expect(!ResourceUnitPacer.isConditionalAccess(path: "/users/delta"))
    }
}
