public import Foundation

/// How long a tenant's blobs must stay undeletable: the immutability window of its policy.
/// Policies are Tenancy's: its `PolicyImmutabilityWindowProvider` reads them.
public protocol ImmutabilityWindowProvider: Sendable {
    /// The tenant's immutability window in seconds; 0 when it has none.
    func immutabilityWindow(tenantID: UUID) async throws -> TimeInterval
}

/// A fixed window for every tenant (tests, single-policy deployments).
public struct FixedImmutabilityWindow: ImmutabilityWindowProvider {
    public let seconds: TimeInterval

    public init(seconds: TimeInterval) {
        self.seconds = seconds
    }

    public func immutabilityWindow(tenantID: UUID) async throws -> TimeInterval { self.seconds }
}
