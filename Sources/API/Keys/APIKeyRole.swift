/// What an API key may do.
///
/// - `operator`: every route.
/// - `read-only`: every `GET` route an operator has; nothing that changes state.
/// - `partner`: only routes declared for partners, and only for its own partner's tenants.
public enum APIKeyRole: String, Sendable, Hashable, CaseIterable, Codable {
    case `operator`
    case partner
    case readOnly = "read-only"
}
