public import Foundation

/// A tenant with what `holdfast tenants list` and `show` print beside it.
public struct TenantOverview: Sendable, Hashable {
    public let tenant: Tenant
    public let partnerName: String?
    public let policyName: String?
    /// The soonest expiry among the tenant's active credentials.
    public let credentialExpiresAt: Date?
    public let lastProbedAt: Date?
}
