import Foundation
import Graph
import HoldfastTesting
@testable import Tenancy
import Testing

@Suite("Graph throttle state in PostgreSQL")
struct PostgresThrottleStateStoreTests {
    @Test func blocksAreSharedAndOnlyGrow() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            // Two workers: two stores over the same table (answers not cached, to see the table).
            let first = PostgresThrottleStateStore(client: schema.client, freshness: .zero)
            let second = PostgresThrottleStateStore(client: schema.client, freshness: .zero)
            let identity = GraphIdentity(tenant: UUID().uuidString, clientID: UUID().uuidString)
            let other = GraphIdentity(tenant: UUID().uuidString, clientID: identity.clientID)
            #expect(try await second.blockedUntil(identity, logger: TestLogger.make()) == nil)

            // The store keeps the block as "seconds from now" on the database's clock and answers the
            // same way, so what comes back is `until` plus at most the time the calls took (never
            // less): judged against the elapsed time, not a fixed tolerance, so a loaded machine
            // cannot fail it.
            let started = Date()
            let until = started.addingTimeInterval(30)
            try await first.block(identity, until: until, reason: "TooManyRequests", logger: TestLogger.make())
            let seen = try #require(try await second.blockedUntil(identity, logger: TestLogger.make()))
            #expect(seen.timeIntervalSince(until) >= -0.01, "stored to the millisecond")
            #expect(seen.timeIntervalSince(until) <= Date().timeIntervalSince(started) + 0.01)
            #expect(try await second.blockedUntil(other, logger: TestLogger.make()) == nil)

            // A shorter Retry-After from a racing worker does not shorten the block.
            try await second.block(identity, until: Date().addingTimeInterval(1), reason: "TooManyRequests", logger: TestLogger.make())
            let kept = try #require(try await first.blockedUntil(identity, logger: TestLogger.make()))
            #expect(kept.timeIntervalSince(until) >= -0.01)
            #expect(kept.timeIntervalSince(until) <= Date().timeIntervalSince(started) + 0.01)

            // A block in the past is no block.
            try await first.block(other, until: Date().addingTimeInterval(-5), reason: "old", logger: TestLogger.make())
            #expect(try await first.blockedUntil(other, logger: TestLogger.make()) == nil)
        }
    }

    @Test func cachedAnswersSeeTheirOwnBlockAtOnceAndOthersAfterTheirFreshness() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let freshness = Duration.milliseconds(200)
            let worker = PostgresThrottleStateStore(client: schema.client, freshness: freshness)
            let other = PostgresThrottleStateStore(client: schema.client, freshness: freshness)
            let identity = GraphIdentity(tenant: UUID().uuidString, clientID: UUID().uuidString)
            #expect(try await worker.blockedUntil(identity, logger: TestLogger.make()) == nil)
            #expect(try await other.blockedUntil(identity, logger: TestLogger.make()) == nil)

            // Its own block: seen at once, whatever it cached.
            try await worker.block(identity, until: Date().addingTimeInterval(30), reason: "TooManyRequests", logger: TestLogger.make())
            #expect(try await worker.blockedUntil(identity, logger: TestLogger.make()) != nil)

            // Another worker's block: seen once the cached answer is older than the freshness.
            try await Task.sleep(for: freshness + .milliseconds(50))
            #expect(try await other.blockedUntil(identity, logger: TestLogger.make()) != nil)
        }
    }
}
