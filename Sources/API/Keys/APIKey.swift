public import Foundation

/// A stored API key's public facts. The secret is never part of it: it exists only in the token
/// handed out once by ``APIKeyStore/create(name:role:partnerID:actor:)``.
public struct APIKey: Sendable, Hashable {
    /// The row's id.
    public let id: UUID
    /// The short public handle inside the token (`hf_live_<keyID>_…`), shown in lists and used to revoke.
    public let keyID: String
    public let name: String
    public let role: APIKeyRole
    /// The partner a `partner` key is bound to; nil for other roles.
    public let partnerID: UUID?
    public let createdAt: Date
    public let createdBy: String
    public let lastUsedAt: Date?
    public let revokedAt: Date?

    public var isRevoked: Bool { revokedAt != nil }
}

/// A newly created key and its token, which is shown once and never stored.
public struct CreatedAPIKey: Sendable {
    public let key: APIKey
    /// `hf_live_<key id>_<secret>`: give it to the client now; it cannot be shown again.
    public let token: String
}
