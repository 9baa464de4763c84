public import Foundation
public import Logging
import NIOConcurrencyHelpers

/// Where a throttled tenant's `Retry-After` is kept so that every worker touching that tenant (with
/// that app) waits it out, not only the one that was told (invariant 7).
///
/// The PostgreSQL implementation lives with the tenant tables (`Tenancy.PostgresThrottleStateStore`);
/// `InMemoryThrottleStateStore` serves one process and tests.
public protocol ThrottleStateStore: Sendable {
    /// When requests for `identity` may resume; nil or a past date when they may go now.
    /// `logger`: the caller's (a store that queries logs its statements there).
    func blockedUntil(_ identity: GraphIdentity, logger: Logger) async throws -> Date?
    /// Records that `identity` must not be called before `until`; an earlier date than one already
    /// recorded must not shorten the block.
    func block(_ identity: GraphIdentity, until: Date, reason: String, logger: Logger) async throws
}

/// A `ThrottleStateStore` for one process.
public final class InMemoryThrottleStateStore: ThrottleStateStore {
    private let state = NIOLockedValueBox<[GraphIdentity: Date]>([:])

    public init() {}

    public func blockedUntil(_ identity: GraphIdentity, logger: Logger) async throws -> Date? {
        self.state.withLockedValue { $0[identity] }
    }

    public func block(_ identity: GraphIdentity, until: Date, reason: String, logger: Logger) async throws {
        self.state.withLockedValue { state in
            state[identity] = max(state[identity] ?? until, until)
        }
    }
}
