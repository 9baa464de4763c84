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

            // The database's clock anchors the block, so what a reader sees can be later than
            // `until` by at most the time the two calls took (however loaded the machine is).
            let until = Date().addingTimeInterval(30)
            let started = Date()
            try await first.block(identity, until: until, reason: "TooManyRequests")
            let seen = try #require(try await second.blockedUntil(identity))
            let slack = Date().timeIntervalSince(started) + 0.5
            #expect(seen.timeIntervalSince(until) > -0.5 && seen.timeIntervalSince(until) < slack, "stored to the second")
            #expect(try await second.blockedUntil(other) == nil)

            // A shorter Retry-After from a racing worker does not shorten the block.
            let racing = Date()
            try await second.block(identity, until: Date().addingTimeInterval(1), reason: "TooManyRequests")
            let kept = try #require(try await first.blockedUntil(identity)).timeIntervalSince(until)
            #expect(kept > -0.5 && kept < slack + Date().timeIntervalSince(racing))

            // A block in the past is no block.
            try await first.block(other, until: Date().addingTimeInterval(-5), reason: "old")
            #expect(try await first.blockedUntil(other) == nil)
        }
    }
}
