import Foundation
import HoldfastTesting
import Logging
@testable import Graph
import GraphSimTesting
import HTTP
import NIOConcurrencyHelpers
import Testing

/// What a hostile or broken upstream can send in headers and bodies must neither trap a process
/// nor wedge a tenant (review F5). A stub upstream serves each case.
@Suite("Hostile Graph responses")
struct GraphHostileResponseTests {
    /// Records every block a session reports, then stores it.
    final class CapturingThrottleStore: ThrottleStateStore {
        let inner = InMemoryThrottleStateStore()
        private let blocks = NIOLockedValueBox<[(recordedAt: Date, until: Date)]>([])

        func blockedUntil(_ identity: GraphIdentity, logger: Logger) async throws -> Date? {
            try await self.inner.blockedUntil(identity, logger: logger)
        }

        func block(_ identity: GraphIdentity, until: Date, reason: String, logger: Logger) async throws {
            self.blocks.withLockedValue { $0.append((Date(), until)) }
            try await self.inner.block(identity, until: until, reason: reason, logger: logger)
        }

        var recorded: [(recordedAt: Date, until: Date)] { self.blocks.withLockedValue { $0 } }
    }

    /// Answers the first Graph request with `first`, every later one with `then`.
    static func firstThen(_ first: StubResponse, _ then: StubResponse) -> @Sendable (StubRequest, String) async -> StubResponse? {
        let count = NIOLockedValueBox(0)
        return { request, _ in
            guard !request.path.hasSuffix("/oauth2/v2.0/token") else { return nil }
            return count.withLockedValue { $0 += 1; return $0 } == 1 ? first : then
        }
    }

    @Test func retryAfterOfAnySizeIsCutNotTrapped() {
        for value in ["1e300", "9999999999999999", "9223372036854775807", "inf", "1e20"] {
            let parsed = GraphRetryAfter.parse(value)
            #expect(parsed == .seconds(86_400), "\(value)")
        }
        #expect(GraphRetryAfter.parse("-1") == nil)
        #expect(GraphRetryAfter.parse("nan") == nil)
        #expect(GraphRetryAfter.parse("2.128") == .milliseconds(2_128))
    }

    @Test(.timeLimit(.minutes(10)))
    func aHugeRetryAfterBlocksTheTenantNoLongerThanTheMaximum() async throws {
        let store = CapturingThrottleStore()
        try await StubGraphHarness.run(
            throttleStore: store, configure: { $0.maxRetryAfter = .seconds(1) },
            respond: Self.firstThen(.json(#"{"error":{"code":"TooManyRequests","message":"slow down"}}"#, status: 429,
                                          headers: [("Retry-After", "1000000000")]),
                                    .json(#"{"id":"1"}"#))
        ) { harness in
            _ = try await harness.session().get("/users/1")
            let block = try #require(store.recorded.first)
            #expect(block.until.timeIntervalSince(block.recordedAt) <= 1.01)
            #expect(harness.graphRequests.count == 2)
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func aBlockStoredFarInTheFutureDelaysARequestAtMostTheMaximum() async throws {
        let store = CapturingThrottleStore()
        try await StubGraphHarness.run(throttleStore: store, configure: { $0.maxRetryAfter = .milliseconds(500) },
                                       respond: { request, _ in request.path == "/v1.0/users/1" ? .json(#"{"id":"1"}"#) : nil }) { harness in
            // As if an older version, or a database writer, stored a block for decades.
            try await store.inner.block(harness.identity, until: Date().addingTimeInterval(1e9), reason: "planted", logger: TestLogger.make())
            _ = try await harness.session().get("/users/1")
            #expect(harness.graphRequests.count == 1)
        }
    }

    @Test(.timeLimit(.minutes(10)))
    func aBatchPartsRetryAfterIsStoredWholeForEveryWorker() async throws {
        let store = CapturingThrottleStore()
        let throttledPart = #"{"responses":[{"id":"1","status":429,"headers":{"Retry-After":"2"},"body":{"error":{"code":"TooManyRequests","message":"x"}}}]}"#
        let answered = #"{"responses":[{"id":"1","status":200,"body":{"id":"u1"}}]}"#
        // maxBackoff (50 ms in the harness) is far below the part's 2 s: the store must still get 2 s.
        try await StubGraphHarness.run(throttleStore: store, respond: Self.firstThen(.json(throttledPart), .json(answered))) { harness in
            let answers = try await harness.session().batch([GraphBatchRequest(id: "1", method: "GET", url: "/users/u1")])
            #expect(answers.first?.status == 200)
            let block = try #require(store.recorded.first)
            #expect(block.until.timeIntervalSince(block.recordedAt) >= 1.99)
            // A second worker sharing the store sees the block too.
            let requests = harness.graphRequests
            #expect(requests.count == 2)
        }
    }

    @Test func resourceUnitHeadersOfAnySizeOrSignDoNotTrapOrStall() async throws {
        for value in ["-9223372036854775808", "9223372036854775807", "-5", "99999999999999999999999"] {
            try await StubGraphHarness.run(respond: { request, _ in
                guard !request.path.hasSuffix("/oauth2/v2.0/token") else { return nil }
                return .json(#"{"id":"1"}"#, headers: [("x-ms-resource-unit", value)])
            }) { harness in
                let session = harness.session()
                _ = try await session.get("/users/1")
                _ = try await session.get("/users/1")
                // The next request's wait stays within one bucket's refill (10 s), not centuries.
                let wait = harness.client.pacer.reserve(1, for: harness.identity, now: Date())
                #expect(wait <= 10, "x-ms-resource-unit \(value): wait \(wait) s")
            }
        }
    }

    @Test func tokenLifetimesOfAnySizeOrSignAreCut() async throws {
        for expiresIn in ["1e300", "-5", "0", "1e-300"] {
            try await StubGraphHarness.run(respond: { request, _ in
                request.path.hasSuffix("/oauth2/v2.0/token") ? .token(expiresIn: expiresIn) : .json(#"{"id":"1"}"#)
            }) { harness in
                let session = harness.session()
                _ = try await session.get("/users/1")
                _ = try await session.get("/users/1")
                let tokenRequests = harness.upstream.requests.filter { $0.path.hasSuffix("/oauth2/v2.0/token") }.count
                #expect(tokenRequests == 1, "expires_in \(expiresIn): \(tokenRequests) token requests")
                let token = try await session.accessToken()
                #expect(token.expiresAt.timeIntervalSinceNow <= 86_400)
            }
        }
    }

    @Test func aNextLinkThatRepeatsEndsTheListing() async throws {
        try await StubGraphHarness.run(respond: { request, base in
            guard request.path == "/v1.0/users" || request.path == "/v1.0/users/delta" else { return nil }
            return .json(#"{"value":[{"id":"1"}],"@odata.nextLink":"\#(base)\#(request.path)?$skiptoken=same"}"#)
        }) { harness in
            await #expect(throws: GraphError(code: .endlessListing, message: "")) {
                for try await _ in harness.session().pages("/users") {}
            }
            #expect(harness.graphRequests.count == 2)
            await #expect(throws: GraphError(code: .endlessListing, message: "")) {
                _ = try await harness.session().deltaRound(.initial(collection: "/users")) { _ in }
            }
        }
    }

    @Test func aListingThatNeverEndsStopsAtThePageBound() async throws {
        let counter = NIOLockedValueBox(0)
        try await StubGraphHarness.run(configure: { $0.maxPagesPerListing = 5 }, respond: { request, base in
            guard request.path == "/v1.0/users" else { return nil }
            let next = counter.withLockedValue { $0 += 1; return $0 }
            return .json(#"{"value":[{"id":"\#(next)"}],"@odata.nextLink":"\#(base)/v1.0/users?$skiptoken=\#(next)"}"#)
        }) { harness in
            var pages = 0
            await #expect(throws: GraphError(code: .endlessListing, message: "")) {
                for try await _ in harness.session().pages("/users") { pages += 1 }
            }
            // The fifth page links to a sixth: refused before the fifth is handed out.
            #expect(pages == 4)
            #expect(harness.graphRequests.count == 5)
        }
    }

    @Test func aBodyOverTheLimitIsRefusedOnceNotRetried() async throws {
        let big = "{\"value\":[" + String(repeating: " ", count: 2 * 1024 * 1024) + "]}"
        try await StubGraphHarness.run(configure: { $0.maxResponseBytes = 1024 * 1024 }, respond: { request, _ in
            request.path == "/v1.0/users" ? .json(big) : nil
        }) { harness in
            await #expect(throws: GraphError(code: .responseTooLarge, message: "")) {
                _ = try await harness.session().get("/users")
            }
            #expect(harness.graphRequests.count == 1)
        }
    }

    @Test func aCompressedBombIsRefusedWhenItCrossesTheLimit() async throws {
        let limit = 1024 * 1024
        let bomb = DeflateBomb.gzip(prefix: #"{"value":["#, spaces: 8 * limit, suffix: "]}")
        let small = DeflateBomb.gzip(prefix: #"{"value":["#, spaces: limit / 4, suffix: "]}")
        #expect(bomb.count < limit / 2)
        try await StubGraphHarness.run(configure: { $0.maxResponseBytes = limit }, respond: { request, _ in
            switch request.path {
            case "/v1.0/bomb": StubResponse(headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: bomb)
            case "/v1.0/small": StubResponse(headers: [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], body: small)
            default: nil
            }
        }) { harness in
            // The same encoder's small output decodes: the bomb is refused for its size, not its form.
            let response = try await harness.session().send(.get("/small"))
            #expect(response.body.count == DeflateBomb.expandedSize(prefix: #"{"value":["#, spaces: limit / 4, suffix: "]}"))
            #expect(try response.json()["value"]?.arrayValue?.isEmpty == true)
            await #expect(throws: GraphError(code: .responseTooLarge, message: "")) {
                _ = try await harness.session().send(.get("/bomb"))
            }
        }
    }
}
