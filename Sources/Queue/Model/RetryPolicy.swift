/// Exponential backoff with jitter between attempts.
///
/// The delay before attempt n+1 is `base × 2^(n−1)`, capped at `maximum`, then spread by ±`jitter`
/// (a fraction) so jobs that failed together do not retry together.
public struct RetryPolicy: Sendable, Hashable {
    public var base: Duration
    public var maximum: Duration
    /// 0…1; 0.2 spreads each delay over ±20 %.
    public var jitter: Double

    /// Defaults: 15 s base, 1 h cap, ±20 %.
    public init(base: Duration = .seconds(15), maximum: Duration = .seconds(3600), jitter: Double = 0.2) {
        precondition(jitter >= 0 && jitter <= 1, "jitter must be within 0…1")
        self.base = base
        self.maximum = maximum
        self.jitter = jitter
    }

    /// The delay after failed attempt `attempt` (1-based) before the next one.
    public func delay(afterAttempt attempt: Int, randomUnit: Double = Double.random(in: 0..<1)) -> Duration {
        let exponent = max(0, min(attempt - 1, 40))
        let raw = base.seconds * Double(1 << exponent)
        let capped = min(raw, maximum.seconds)
        let spread = capped * jitter * (randomUnit * 2 - 1)
        return .milliseconds(Int64(((capped + spread) * 1000).rounded()))
    }

    /// The range `delay(afterAttempt:)` falls in.
    public func delayBounds(afterAttempt attempt: Int) -> ClosedRange<Double> {
        let exponent = max(0, min(attempt - 1, 40))
        let capped = min(base.seconds * Double(1 << exponent), maximum.seconds)
        return (capped * (1 - jitter))...(capped * (1 + jitter))
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
