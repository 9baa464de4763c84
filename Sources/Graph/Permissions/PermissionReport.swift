public import Foundation

/// What a tenant's credential may read and write in Graph, as onboarding found it: the token's
/// application permissions and, for every catalogue entry, whether its endpoint answered.
///
/// Stored as JSON with the tenant (never with a token) and shown by `holdfast tenants show`.
public struct PermissionReport: Sendable, Codable, Hashable {
    public enum Purpose: String, Sendable, Codable, Hashable {
        case backup
        case restore
    }

    public enum Outcome: String, Sendable, Codable, Hashable {
        /// The endpoint answered, or the token carries one of the permissions.
        case granted
        /// The endpoint answered 403, or the token carries none of the permissions.
        case missing
        /// Neither the endpoint nor the token could tell (no readable token, a non-403 error).
        case unverified
    }

    /// One thing Holdfast does and the permissions, any one of which allows it.
    public struct Requirement: Sendable, Codable, Hashable {
        /// The catalogue entry (`user`, `group.members`) or restore area (`restore.users`).
        public var name: String
        public var purpose: Purpose
        /// Alternatives, least privileged first.
        public var anyOf: [String]
        /// The request that probed it (`GET /users?$top=1`), when one was sent.
        public var probe: String?
        /// The probe's HTTP status, or nil when none was sent or no answer came.
        public var status: Int?
        public var outcome: Outcome
        /// Graph's error code and message of a failed probe, or why it is unverified.
        public var detail: String?
    }

    /// One permission and whether the token carries it.
    public struct Permission: Sendable, Codable, Hashable {
        public var name: String
        public var purpose: Purpose
        /// Nil when the token could not be read.
        public var granted: Bool?
    }

    public var probedAt: Date
    public var tenant: String
    public var clientID: String
    /// The token's `roles` claim; nil when the token is not a readable JWT.
    public var roles: [String]?
    public var requirements: [Requirement]
    /// The least privileged permission of every requirement, for backup then restore.
    public var permissions: [Permission]
    /// Where a Global Administrator of the tenant grants the app's permissions.
    public var adminConsentURL: String

    /// Every backup requirement is met (none missing): the tenant may become `active`.
    public var backupReady: Bool {
        !self.requirements.contains { $0.purpose == .backup && $0.outcome == .missing }
    }

    /// The least privileged permission of each unmet backup requirement, de-duplicated.
    public var missingBackupPermissions: [String] {
        self.missing(.backup)
    }

    public var missingRestorePermissions: [String] {
        self.missing(.restore)
    }

    private func missing(_ purpose: Purpose) -> [String] {
        var seen = Set<String>()
        return self.requirements.filter { $0.purpose == purpose && $0.outcome == .missing }
            .compactMap(\.anyOf.first).filter { seen.insert($0).inserted }
    }

    /// `{login}/{tenant}/adminconsent?client_id=…`, on the configured login host (national clouds
    /// have their own).
    public static func adminConsentURL(loginBaseURL: String, tenant: String, clientID: String) -> String {
        "\(loginBaseURL)/\(tenant)/adminconsent?client_id=\(clientID)"
    }
}
