public import Foundation
import NIOConcurrencyHelpers

/// A wall clock that stands still until a test moves it, for components that take a `now:`
/// closure (the console's sessions, lockouts and TOTP steps). Frozen, so a code computed at
/// `now` is still valid when the server checks it.
public final class MovableClock: Sendable {
    private let value: NIOLockedValueBox<Date>

    public init(_ start: Date = Date(timeIntervalSince1970: 1_900_000_000)) {
        value = NIOLockedValueBox(start)
    }

    public var now: Date { value.withLockedValue { $0 } }

    public func advance(seconds: TimeInterval) { value.withLockedValue { $0 = $0.addingTimeInterval(seconds) } }
}
