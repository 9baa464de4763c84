public import Foundation
import NIOConcurrencyHelpers

/// The simulator's notion of "now": real time plus an offset an operator or a test can move
/// forward. It drives token and secret expiry, the 7-day delta token lifetime and the 30-day
/// purge of deleted items. Throttling windows use real monotonic time instead, because clients
/// wait out `Retry-After` in real seconds.
public final class SimulatedClock: Sendable {
    private let offset = NIOLockedValueBox<TimeInterval>(0)

    public init() {}

    public var now: Date {
        Date().addingTimeInterval(offset.withLockedValue { $0 })
    }

    /// Seconds the clock is ahead of real time.
    public var offsetSeconds: TimeInterval {
        offset.withLockedValue { $0 }
    }

    public func advance(by seconds: TimeInterval) {
        offset.withLockedValue { $0 += max(0, seconds) }
    }

    /// Moves the clock to `date` (never backwards: issued tokens and logs assume time only grows).
    public func set(to date: Date) {
        let wanted = date.timeIntervalSince(Date())
        offset.withLockedValue { $0 = max($0, wanted) }
    }
}
