public import Foundation

/// A customer's Entra ID tenant as Holdfast knows it.
public struct Tenant: Sendable, Hashable {
    /// Holdfast's id (the queue's and the vault's key); also bound into every sealed secret.
    public let id: UUID
    /// The directory (tenant) id in Entra; the token endpoint's `{tenant}`.
    public let entraTenantID: UUID?
    public let primaryDomain: String?
    public let displayName: String
    public let partnerID: UUID?
    public let status: TenantStatus
    public let statusReason: String?
    public let statusChangedAt: Date
    /// Graph throttling tier: `S` (< 50 users), `M` (50–500), `L` (> 500).
    public let sizeClass: String
    public let createdAt: Date
    /// Marked by an operator as a scratch tenant: the only kind a restore drill writes into, and
    /// the only kind a restore may fill with another partner's data (drills of every partner).
    public let scratch: Bool
}

/// What an operator gives to add a tenant.
public struct NewTenant: Sendable, Hashable {
    public var entraTenantID: UUID
    public var primaryDomain: String
    public var displayName: String
    public var partnerID: UUID?
    public var sizeClass: String
    /// The policy (`policies.id`); nil leaves the tenant without one.
    public var policyID: UUID?
    /// A scratch tenant for restore drills (``Tenant/scratch``).
    public var scratch: Bool

    public init(entraTenantID: UUID, primaryDomain: String, displayName: String, partnerID: UUID? = nil, sizeClass: String = "S",
                policyID: UUID? = nil, scratch: Bool = false) {
        self.entraTenantID = entraTenantID
        self.primaryDomain = primaryDomain
        self.displayName = displayName
        self.partnerID = partnerID
        self.sizeClass = sizeClass
        self.policyID = policyID
        self.scratch = scratch
    }
}
