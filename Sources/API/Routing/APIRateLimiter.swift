import Synchronization

/// A token bucket per API key for the routes that cost the coordinator (or the tenant's Graph
/// budget) much more than a row read: live diffs, object histories, restore plans, compliance
/// reports and SLA history. One key cannot hold the database or a tenant's throttling budget for
/// everyone else; a refused call answers 429 `rate_limited` with `Retry-After`.
final class APIRateLimiter: Sendable {
    /// Calls a key may make at once after a quiet period.
    let burst: Int
    /// Calls a key regains per minute.
    let perMinute: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    init(burst: Int, perMinute: Int) {
        precondition(burst > 0 && perMinute > 0, "rate limits must be positive")
        self.burst = burst
        self.perMinute = perMinute
    }

    /// Takes one token for `key`; when none is left, the seconds until one is (at least 1).
    func take(key: String, now: ContinuousClock.Instant = .now) -> Int? {
        let perSecond = Double(perMinute) / 60
        return buckets.withLock { buckets in
            var bucket = buckets[key] ?? Bucket(tokens: Double(burst), updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(burst), bucket.tokens + max(0, seconds) * perSecond)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                // Keys that are back to a full bucket carry no state worth keeping.
                if buckets.count > 10_000 { buckets = buckets.filter { $0.value.tokens < Double(burst) } }
            }
            guard bucket.tokens >= 1 else {
                return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
            }
            bucket.tokens -= 1
            return nil
        }
    }
}
