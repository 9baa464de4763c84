/// Where a tenant is in its lifecycle. Only `active` tenants are scheduled.
public enum TenantStatus: String, Sendable, Hashable, CaseIterable, Codable {
    /// Added; waiting for a credential and the backup permissions.
    case onboarding
    case active
    /// Scheduling paused by an operator (kept from the queue's schema).
    case paused
    /// Stopped by an operator, for example for an unpaid invoice.
    case suspended
    /// Sign-in failed in a way only a new credential fixes (wrong or expired secret, app removed).
    case credentialsInvalid = "credentials_invalid"
    /// No longer protected; rows are kept for the audit trail and retention.
    case offboarded
}
