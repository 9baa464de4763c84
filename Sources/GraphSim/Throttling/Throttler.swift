import Foundation
import NIOConcurrencyHelpers

/// The documented identity-and-access limits (graph-reference.md section 2).
public struct ThrottleLimits: Sendable, Equatable {
    /// Resource units per app and tenant per `resourceUnitWindow` seconds, by tenant size.
    public var resourceUnitsSmall: Double = 3_500
    public var resourceUnitsMedium: Double = 5_000
    public var resourceUnitsLarge: Double = 8_000
    public var resourceUnitWindow: Double = 10
    /// Resource units per app across all tenants.
    public var appResourceUnits: Double = 150_000
    public var appResourceUnitWindow: Double = 20
    /// Writes per app and tenant, per app, per tenant.
    public var appTenantWrites: Double = 3_000
    public var appTenantWriteWindow: Double = 150
    public var appWrites: Double = 70_000
    public var appWriteWindow: Double = 300
    public var tenantWrites: Double = 18_000
    public var tenantWriteWindow: Double = 300
    /// Requests per app across all tenants per `appRequestWindow` seconds: Graph's global limit,
    /// 130,000 per 10 s in the current throttling-limits page (an older version said 2,000 per
    /// second); it is what a multi-tenant app backing up a whole fleet meets first.
    public var appRequests: Double = 130_000
    public var appRequestWindow: Double = 10
    /// Conditional access and named locations: requests per second per tenant, all apps together.
    public var conditionalAccessPerSecond: Double = 1
    /// Listing applications or service principals with `$select=keyCredentials`, per tenant per minute.
    public var keyCredentialListsPerMinute: Double = 150

    public init() {}

    func resourceUnits(for size: TenantSizeClass) -> Double {
        switch size {
        case .small: return resourceUnitsSmall
        case .medium: return resourceUnitsMedium
        case .large: return resourceUnitsLarge
        }
    }
}

/// What the throttler needs to know about one request.
struct ThrottleRequest: Sendable {
    var appId: String
    var tenantId: String
    var sizeClass: TenantSizeClass
    var cost: Int
    var isWrite: Bool
    var isConditionalAccess: Bool
    var listsKeyCredentials: Bool
    /// Multiplies every limit except conditional access's 1 request per second.
    var scale: Double
}

/// The throttler's answer.
struct ThrottleDecision: Sendable, Equatable {
    var allowed: Bool
    /// Seconds for `Retry-After`; nil when the limit sends none (conditional access).
    var retryAfter: Double?
    /// `x-ms-throttle-scope`, e.g. `Tenant_Application/Read/{appId}/{tenantId}`.
    var scope: String?
    /// `x-ms-throttle-information`.
    var information: String?
    /// `x-ms-throttle-limit-percentage` when above 0.8.
    var limitPercentage: Double?

    static let unlimited = ThrottleDecision(allowed: true)
}

/// Token buckets for every documented scope, keyed by app and tenant, over real time.
final class Throttler: Sendable {
    private let buckets = NIOLockedValueBox<[String: TokenBucket]>([:])
    let limits: ThrottleLimits

    init(limits: ThrottleLimits = ThrottleLimits()) {
        self.limits = limits
    }

    private struct Check {
        var key: String
        var capacity: Double
        var window: Double
        var units: Double
        var scope: String
        var information: String
        var sendsRetryAfter: Bool
    }

    /// `now` is the moment of the decision (a test passes its own to replay a sequence exactly).
    func admit(_ request: ThrottleRequest, now: ContinuousClock.Instant = .now) -> ThrottleDecision {
        let limits = self.limits
        let scale = max(request.scale, 0.000_001)
        let app = request.appId
        let tenant = request.tenantId
        let operation = request.isWrite ? "Write" : "Read"
        var checks: [Check] = []
        if request.isConditionalAccess {
            checks.append(Check(key: "ca:\(tenant)", capacity: limits.conditionalAccessPerSecond, window: 1, units: 1,
                                scope: "Tenant/ReadWrite/\(app)/\(tenant)", information: "ResourceUnitLimitExceeded",
                                sendsRetryAfter: false))
        }
        if request.listsKeyCredentials {
            checks.append(Check(key: "kc:\(tenant)", capacity: limits.keyCredentialListsPerMinute * scale, window: 60,
                                units: 1, scope: "Tenant/Read/\(app)/\(tenant)", information: "ResourceUnitLimitExceeded",
                                sendsRetryAfter: true))
        }
        checks.append(Check(key: "rps:\(app)", capacity: limits.appRequests * scale, window: limits.appRequestWindow, units: 1,
                            scope: "Application/ReadWrite/\(app)/\(tenant)", information: "ResourceUnitLimitExceeded",
                            sendsRetryAfter: true))
        let units = Double(request.cost)
        let tenantCapacity = limits.resourceUnits(for: request.sizeClass) * scale
        checks.append(Check(key: "ru:\(app):\(tenant):\(request.sizeClass.rawValue)", capacity: tenantCapacity,
                            window: limits.resourceUnitWindow, units: units,
                            scope: "Tenant_Application/\(operation)/\(app)/\(tenant)",
                            information: "ResourceUnitLimitExceeded", sendsRetryAfter: true))
        checks.append(Check(key: "ru:\(app)", capacity: limits.appResourceUnits * scale,
                            window: limits.appResourceUnitWindow, units: units,
                            scope: "Application/\(operation)/\(app)/\(tenant)",
                            information: "ResourceUnitLimitExceeded", sendsRetryAfter: true))
        if request.isWrite {
            checks.append(Check(key: "w:\(app):\(tenant)", capacity: limits.appTenantWrites * scale,
                                window: limits.appTenantWriteWindow, units: 1,
                                scope: "Tenant_Application/Write/\(app)/\(tenant)", information: "WriteLimitExceeded",
                                sendsRetryAfter: true))
            checks.append(Check(key: "w:\(app)", capacity: limits.appWrites * scale, window: limits.appWriteWindow,
                                units: 1, scope: "Application/Write/\(app)/\(tenant)", information: "WriteLimitExceeded",
                                sendsRetryAfter: true))
            checks.append(Check(key: "wt:\(tenant)", capacity: limits.tenantWrites * scale,
                                window: limits.tenantWriteWindow, units: 1, scope: "Tenant/Write/\(app)/\(tenant)",
                                information: "WriteLimitExceeded", sendsRetryAfter: true))
        }

        return buckets.withLockedValue { buckets in
            var refused: Check?
            var highestUsage = 0.0
            for check in checks {
                var bucket = buckets[check.key] ?? TokenBucket(capacity: check.capacity, window: check.window, now: now)
                bucket.refill(now: now)
                if refused == nil, !bucket.canTake(check.units) {
                    // Usage keeps counting on a refused request.
                    bucket.take(check.units)
                    refused = check
                }
                buckets[check.key] = bucket
            }
            if let check = refused {
                for other in checks where other.key != check.key {
                    buckets[other.key]?.take(other.units)
                }
                // The refused request was charged to every bucket, so the wait after which the same
                // request passes is the longest of theirs, not only the refusing bucket's: a client
                // that honours Retry-After must get through.
                let wait = checks.map { buckets[$0.key]?.secondsUntilAvailable($0.units) ?? 0 }.max() ?? 0
                return ThrottleDecision(
                    allowed: false,
                    retryAfter: check.sendsRetryAfter ? max(0.001, (wait * 1000).rounded(.up) / 1000) : nil,
                    scope: check.scope,
                    information: check.information,
                    limitPercentage: min(1.8, max(0.8, buckets[check.key]?.usage ?? 1))
                )
            }
            for check in checks {
                buckets[check.key]?.take(check.units)
                highestUsage = max(highestUsage, buckets[check.key]?.usage ?? 0)
            }
            return ThrottleDecision(
                allowed: true,
                limitPercentage: highestUsage > 0.8 ? min(1.8, highestUsage) : nil
            )
        }
    }

    /// Forgets every bucket (the admin API's "reset throttling").
    func reset() {
        buckets.withLockedValue { $0.removeAll() }
    }
}
