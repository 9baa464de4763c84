/// Which app registration a credential signs in as.
public enum AppKind: String, Sendable, Hashable, Codable {
    /// The customer tenant's own app registration.
    case tenantApp = "tenant_app"
    /// The MSP's multi-tenant app, consented in many tenants; it shares one global Graph budget.
    case sharedMultitenantApp = "shared_multitenant_app"
}

/// How a credential proves the app's identity.
public enum CredentialKind: String, Sendable, Hashable, Codable {
    case clientSecret = "client_secret"
    case certificate
}
