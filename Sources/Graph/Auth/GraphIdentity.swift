public import Cryptography

/// Who signs in to which tenant: the cache key of tokens, throttle state and pacing.
public struct GraphIdentity: Sendable, Hashable, CustomStringConvertible {
    /// The Entra directory id (GUID) or a verified domain; the token endpoint's `{tenant}`.
    public var tenant: String
    /// The app registration's application (client) id.
    public var clientID: String

    public init(tenant: String, clientID: String) {
        self.tenant = tenant.lowercased()
        self.clientID = clientID.lowercased()
    }

    public var description: String { "\(self.tenant)/\(self.clientID)" }
}

/// How the app proves its identity in the client credentials grant.
public enum GraphClientCredential: Sendable {
    /// A client secret (UTF-8 text).
    case clientSecret(SecretBytes)
    /// A certificate client assertion signed with `privateKey` (RSA).
    case certificate(privateKey: PrivateKey, certificate: Certificate, signature: AssertionSignature = .ps256)

    /// The two assertion forms Entra documents.
    public enum AssertionSignature: Sendable, Hashable {
        /// RSA-PSS with SHA-256, certificate named by `x5t#S256` (current documentation).
        case ps256
        /// RSASSA-PKCS1-v1_5 with SHA-256, certificate named by `x5t` (older documentation).
        case rs256
    }
}
