public import Queue
public import Tenancy

/// The credential expiry check as a leader maintenance task, so one coordinator (the leader)
/// logs each warning, and a failed round is logged and retried by the maintenance loop.
public struct CredentialExpiryTask: MaintenanceTask {
    public let check: CredentialExpiryCheck

    public init(check: CredentialExpiryCheck) { self.check = check }

    public var name: String { "credential_expiry" }
    public var interval: Duration { check.interval }

    public func runOnce() async throws -> Int {
        try await check.runOnce().count
    }
}
