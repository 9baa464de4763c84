public import Foundation
import NIOConcurrencyHelpers

/// Proactive pacing per tenant and app: a token bucket of Graph's identity resource units, sized
/// from the tenant's class (S 3,500 / M 5,000 / L 8,000 units per 10 s), so a backup runs near the
/// limit instead of bouncing off it with 429s.
///
/// A request takes its estimated cost (`estimatedCost`) before it is sent; the response's
/// `x-ms-resource-unit` corrects the estimate, and `x-ms-throttle-limit-percentage` (sent above 80 %
/// of a limit) slows the refill for a while once it reaches 100 %, since then other processes of
/// the same app are using the tenant's budget too.
public final class ResourceUnitPacer: Sendable {
    /// Graph's tenant size classes for identity and access limits.
    public enum SizeClass: String, Sendable, Hashable, Comparable {
        case small = "S", medium = "M", large = "L"

        /// The class of a tenant with `users` users (S below 50, M up to 500, L above).
        public init(users: Int) {
            self = users > 500 ? .large : users >= 50 ? .medium : .small
        }

        public static func < (lhs: SizeClass, rhs: SizeClass) -> Bool {
            lhs.unitsPer10Seconds < rhs.unitsPer10Seconds
        }

        /// Resource units per 10 seconds for one app in one tenant.
        public var unitsPer10Seconds: Double {
            switch self {
            case .small: 3_500
            case .medium: 5_000
            case .large: 8_000
            }
        }
    }

    struct Bucket {
        var available: Double
        var capacity: Double
        var refillPerSecond: Double
        var updatedAt: Date
        /// Refill is multiplied by this until `slowUntil` after a high limit percentage.
        var slowdown: Double = 1
        var slowUntil: Date = .distantPast

        mutating func refill(now: Date) {
            let rate = now < self.slowUntil ? self.refillPerSecond * self.slowdown : self.refillPerSecond
            self.available = min(self.capacity, self.available + max(0, now.timeIntervalSince(self.updatedAt)) * rate)
            self.updatedAt = now
        }

        /// Takes `cost` and returns how long to wait before sending (0 when the units were there).
        mutating func take(_ cost: Double, now: Date) -> TimeInterval {
            self.refill(now: now)
            self.available -= cost
            guard self.available < 0 else { return 0 }
            let rate = now < self.slowUntil ? self.refillPerSecond * self.slowdown : self.refillPerSecond
            return -self.available / rate
        }
    }

    /// Share of the documented limit to plan for. The limit is per app and tenant, so the
    /// headroom only covers this app's other processes (an API restore beside a worker's backup)
    /// and retries; `x-ms-throttle-limit-percentage` slows the pace when they come close.
    public let headroom: Double
    private let buckets = NIOLockedValueBox<[GraphIdentity: Bucket]>([:])
    private let sizeClasses = NIOLockedValueBox<[GraphIdentity: SizeClass]>([:])
    /// Conditional Access allows 1 request per second per tenant across all apps, with no burst
    /// and no `Retry-After` on its 429s: its requests are spaced here instead of bounced.
    private let conditionalAccessNext = NIOLockedValueBox<[String: Date]>([:])

    /// Largest `x-ms-resource-unit` believed for one request; Graph charges single digits.
    public static let maximumCharge = 1_000

    public init(headroom: Double = 0.97) {
        self.headroom = headroom
    }

    /// Sets the tenant's class (from its user count); unknown tenants are treated as small. The
    /// units already spent stay spent: only the capacity and the refill change.
    public func setSizeClass(_ sizeClass: SizeClass, for identity: GraphIdentity) {
        self.sizeClasses.withLockedValue { $0[identity] = sizeClass }
        self.buckets.withLockedValue { buckets in
            guard var bucket = buckets[identity] else { return }
            let fresh = Self.newBucket(sizeClass, headroom: self.headroom, now: bucket.updatedAt)
            let spent = bucket.capacity - bucket.available
            bucket.capacity = fresh.capacity
            bucket.refillPerSecond = fresh.refillPerSecond
            bucket.available = fresh.capacity - spent
            buckets[identity] = bucket
        }
    }

    /// Raises the tenant's class to `sizeClass` if it is higher than the one set (a backup that
    /// counts more users than the tenant was registered with).
    public func raiseSizeClass(to sizeClass: SizeClass, for identity: GraphIdentity) {
        guard sizeClass > self.sizeClass(for: identity) else { return }
        self.setSizeClass(sizeClass, for: identity)
    }

    /// The class the pacer plans `identity` with.
    public func sizeClass(for identity: GraphIdentity) -> SizeClass {
        self.sizeClasses.withLockedValue { $0[identity] } ?? .small
    }

    /// Waits until `cost` units are available for `identity`, then takes them.
    public func acquire(_ cost: Int, for identity: GraphIdentity) async throws {
        let wait = self.reserve(Double(cost), for: identity, now: Date())
        if wait > 0 {
            try await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
        }
    }

    /// Waits for the tenant's next Conditional Access slot (one a second), then takes it.
    public func acquireConditionalAccess(for identity: GraphIdentity) async throws {
        let wait = self.reserveConditionalAccess(tenant: identity.tenant, now: Date())
        if wait > 0 {
            try await Task.sleep(for: .milliseconds(Int64((wait * 1000).rounded(.up))))
        }
    }

    func reserveConditionalAccess(tenant: String, now: Date) -> TimeInterval {
        self.conditionalAccessNext.withLockedValue { next in
            let slot = max(now, next[tenant] ?? now)
            // A little over a second, so a slot never lands inside Graph's previous second.
            next[tenant] = slot.addingTimeInterval(1.05)
            return slot.timeIntervalSince(now)
        }
    }

    /// Whether `path` (below the Graph base) is limited to one request a second per tenant.
    public static func isConditionalAccess(path: String) -> Bool {
        let lowered = path.lowercased()
        return lowered.hasPrefix("/identity/conditionalaccess/") || lowered.hasPrefix("/identityprotection/")
            || lowered.hasPrefix("/riskyusers") || lowered.hasPrefix("/riskdetections")
    }

    /// Corrects the estimate with what Graph charged and reacts to the limit percentage.
    public func record(estimated: Int, charged: Int?, limitPercentage: Double?, for identity: GraphIdentity, now: Date = Date()) {
        self.buckets.withLockedValue { buckets in
            guard var bucket = buckets[identity] else { return }
            // A hostile or broken header must not drive the bucket to a wait of centuries: the
            // charge is cut to a sane range, and the debt to one bucket's capacity.
            if let charged {
                let clamped = min(max(charged, 0), Self.maximumCharge)
                bucket.available = max(-bucket.capacity, bucket.available - Double(clamped - estimated))
            }
            // Graph sends the percentage from 80 % of the limit on; this pacer plans for `headroom`
            // of it, so anything up to 100 % is its own use. Only more than that means another
            // process of this app is using the tenant's budget too: slow down for a window.
            if let limitPercentage, limitPercentage >= 1.0 {
                // At 100 % slow to 3/5 of the refill; further past it nearly stop refilling.
                bucket.slowdown = max(0.05, min(0.75, 1.6 - limitPercentage))
                bucket.slowUntil = now.addingTimeInterval(10)
            }
            buckets[identity] = bucket
        }
    }

    func reserve(_ cost: Double, for identity: GraphIdentity, now: Date) -> TimeInterval {
        let sizeClass = self.sizeClasses.withLockedValue { $0[identity] } ?? .small
        return self.buckets.withLockedValue { buckets in
            var bucket = buckets[identity] ?? Self.newBucket(sizeClass, headroom: self.headroom, now: now)
            let wait = bucket.take(cost, now: now)
            buckets[identity] = bucket
            return wait
        }
    }

    static func newBucket(_ sizeClass: SizeClass, headroom: Double, now: Date) -> Bucket {
        let capacity = sizeClass.unitsPer10Seconds * headroom
        return Bucket(available: capacity, capacity: capacity, refillPerSecond: capacity / 10, updatedAt: now)
    }

    /// The documented resource-unit cost of a request (graph-reference section 2): 2 for listing
    /// users, applications, grants and app role assignments; 3 for group members, subscribedSkus,
    /// contracts and getByIds; 5 for transitive members; 1 otherwise; `$select` −1, `$expand` +1,
    /// `$top` below 20 −1; at least 1.
    public static func estimatedCost(method: String, path: String) -> Int {
        let (pathOnly, query) = Self.split(path)
        let segments = pathOnly.split(separator: "/").map { $0.lowercased() }
        var cost = 1
        let last = segments.last ?? ""
        if method == "GET" {
            if segments.count == 1, ["users", "applications", "oauth2permissiongrants"].contains(last) { cost = 2 }
            if segments.count == 2, segments[0] == "oauth2permissiongrants" { cost = 2 }
            if segments.count == 3, segments[0] == "applications", last == "extensionproperties" { cost = 2 }
            if segments.count == 3, segments[0] == "serviceprincipals", last == "approleassignments" { cost = 2 }
            if segments.count == 3, segments[0] == "groups", last == "members" { cost = 3 }
            if segments.count == 1, ["subscribedskus", "contracts"].contains(last) { cost = 3 }
            if segments.count == 3, segments[0] == "groups", last == "transitivemembers" { cost = 5 }
        } else if method == "POST", ["getbyids", "microsoft.graph.getbyids", "getobjectsbyid"].contains(last) {
            cost = 3
        }
        if query.contains("$select=") { cost -= 1 }
        if query.contains("$expand=") { cost += 1 }
        if let top = Self.queryValue("$top", in: query).flatMap(Int.init), top < 20 { cost -= 1 }
        return max(1, cost)
    }

    private static func split(_ path: String) -> (String, String) {
        guard let mark = path.firstIndex(of: "?") else { return (path, "") }
        return (String(path[..<mark]), String(path[path.index(after: mark)...]).removingPercentEncoding ?? "")
    }

    private static func queryValue(_ name: String, in query: String) -> String? {
        for pair in query.split(separator: "&") where pair.hasPrefix(name + "=") {
            return String(pair.dropFirst(name.count + 1))
        }
        return nil
    }
}
