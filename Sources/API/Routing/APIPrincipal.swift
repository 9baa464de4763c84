public import Foundation

/// The caller of a request, from its API key.
public struct APIPrincipal: Sendable, Hashable {
    public let key: APIKey

    public var role: APIKeyRole { key.role }
    /// Set for partner keys only.
    public var partnerID: UUID? { key.partnerID }
    /// How the audit log names this caller: `apikey:<key id>`.
    public var actor: String { "apikey:\(key.keyID)" }
}
