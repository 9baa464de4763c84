/// A token bucket over real monotonic time: `capacity` units, refilled at `capacity / window`
/// per second.
///
/// Requests that are refused still take their units (down to `-capacity`), because Graph keeps
/// counting usage while a client ignores `Retry-After`: hammering a throttled endpoint makes the
/// wait longer, not shorter.
struct TokenBucket: Sendable {
    let capacity: Double
    let ratePerSecond: Double
    private(set) var tokens: Double
    private var updatedAt: ContinuousClock.Instant

    init(capacity: Double, window: Double, now: ContinuousClock.Instant) {
        self.capacity = max(capacity, 1)
        self.ratePerSecond = max(capacity, 1) / max(window, 0.001)
        self.tokens = max(capacity, 1)
        self.updatedAt = now
    }

    mutating func refill(now: ContinuousClock.Instant) {
        let elapsed = updatedAt.duration(to: now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        if seconds > 0 {
            tokens = min(capacity, tokens + seconds * ratePerSecond)
            updatedAt = now
        }
    }

    func canTake(_ units: Double) -> Bool {
        tokens >= units
    }

    mutating func take(_ units: Double) {
        tokens = max(-capacity, tokens - units)
    }

    /// Seconds until `units` can be taken.
    func secondsUntilAvailable(_ units: Double) -> Double {
        tokens >= units ? 0 : (units - tokens) / ratePerSecond
    }

    /// Fraction of the limit in use (0 when full, 1 when empty, up to 2 when overdrawn).
    var usage: Double {
        (capacity - tokens) / capacity
    }
}
