public import Queue
public import Tenancy

/// The credential expiry check as a leader maintenance task, so one coordinator (the leader)
/// logs each warning, and a failed round is logged and retried by the maintenance loop.
public struct CredentialExpiryTask: MaintenanceTask {
    public let check: CredentialExpiryCheck
    /// Each round's expiring credentials (the per-tenant expiry gauge).
    let onRound: @Sendable ([CredentialExpiry]) -> Void

    public init(check: CredentialExpiryCheck, onRound: @escaping @Sendable ([CredentialExpiry]) -> Void = { _ in }) {
        self.check = check
        self.onRound = onRound
    }

    public var name: String { "credential_expiry" }
    public var interval: Duration { check.interval }

    public func runOnce() async throws -> Int {
        let expiring = try await check.runOnce()
        onRound(expiring)
        return expiring.count
    }
}
