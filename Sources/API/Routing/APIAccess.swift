/// Who may call a route. Every route declares one when it is registered (there is no default), and
/// the route table enforces it before the handler runs.
///
/// Whatever the access, a `read-only` key never passes a method other than `GET`, and a partner
/// key never reaches a tenant of another partner (invariant 6).
public enum APIAccess: Sendable, Hashable, CustomStringConvertible {
    /// No key needed: `/healthz`, `/readyz`.
    case anonymous
    /// Operators; read-only keys too for `GET`. Partner keys are refused (403).
    case staff
    /// Staff, and partner keys for tenants of their own partner: the path must contain
    /// `{parameter}` naming a tenant id. A partner key naming any other tenant gets 404, exactly
    /// as for a tenant that does not exist, so it learns nothing about other partners' tenants.
    case tenant(parameter: String)
    /// Partner keys only; the handler scopes what it returns to `context.principal.partnerID`.
    case partner

    public var description: String {
        switch self {
        case .anonymous: "anonymous"
        case .staff: "staff"
        case .tenant(let parameter): "tenant({\(parameter)})"
        case .partner: "partner"
        }
    }
}
