import Foundation
import Graph
import HoldfastTesting
@testable import Tenancy
import Testing

@Suite("Graph throttle state in PostgreSQL")
struct PostgresThrottleStateStoreTests {
    @Test func blocksAreSharedAndOnlyGrow() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            // Two workers: two stores over the same table.
            let first = PostgresThrottleStateStore(client: schema.client)
            let second = PostgresThrottleStateStore(client: schema.client)
            let identity = GraphIdentity(tenant: UUID().uuidString, clientID: UUID().uuidString)
            let other = GraphIdentity(tenant: UUID().uuidString, clientID: identity.clientID)
            #expect(try await second.blockedUntil(identity) == nil)

            let until = Date().addingTimeInterval(30)
            try await first.block(identity, until: until, reason: "TooManyRequests")
            let seen = try #require(try await second.blockedUntil(identity))
            #expect(abs(seen.timeIntervalSince(until)) < 1.5, "stored to the second")
            #expect(try await second.blockedUntil(other) == nil)

            // A shorter Retry-After from a racing worker does not shorten the block.
            try await second.block(identity, until: Date().addingTimeInterval(1), reason: "TooManyRequests")
            #expect(abs(try #require(try await first.blockedUntil(identity)).timeIntervalSince(until)) < 1.5)

            // A block in the past is no block.
            try await first.block(other, until: Date().addingTimeInterval(-5), reason: "old")
            #expect(try await first.blockedUntil(other) == nil)
        }
    }
}
