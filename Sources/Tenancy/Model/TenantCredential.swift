public import Cryptography
public import Foundation

/// The secret part of a credential, in clear, in memory only.
public enum CredentialMaterial: Sendable {
    /// A client secret's text, as UTF-8.
    case clientSecret(SecretBytes)
    /// A certificate and its private key (from PEM or PKCS#12).
    case certificate(privateKey: PrivateKey, certificate: Certificate)

    public var kind: CredentialKind {
        switch self {
        case .clientSecret: .clientSecret
        case .certificate: .certificate
        }
    }
}

/// A credential to store for a tenant.
public struct NewTenantCredential: Sendable {
    public var appKind: AppKind
    /// The app registration's application (client) id.
    public var clientID: UUID
    public var material: CredentialMaterial
    /// When the secret stops working; for a certificate, defaults to its `notAfter`. Entra does not
    /// tell a client when a secret expires, so the operator gives it (the portal shows it).
    public var expiresAt: Date?

    public init(appKind: AppKind, clientID: UUID, material: CredentialMaterial, expiresAt: Date? = nil) {
        self.appKind = appKind
        self.clientID = clientID
        self.material = material
        self.expiresAt = expiresAt
    }
}

/// A stored credential's public facts: what lists, the CLI and expiry warnings show.
public struct CredentialSummary: Sendable, Hashable {
    public let id: UUID
    public let tenantID: UUID
    public let appKind: AppKind
    public let clientID: UUID
    public let kind: CredentialKind
    /// Base64url SHA-1 and SHA-256 thumbprints of the certificate (`x5t`, `x5t#S256`).
    public let certificateSHA1: String?
    public let certificateSHA256: String?
    public let expiresAt: Date?
    public let createdAt: Date
    public let createdBy: String
}

/// An active credential opened for use: hold it only as long as a token request needs it.
public struct TenantCredential: Sendable {
    public let summary: CredentialSummary
    /// The tenant's Entra directory id, the token endpoint's `{tenant}`.
    public let entraTenantID: UUID?
    public let material: CredentialMaterial
    /// The tenant's Graph throttling class (`S`, `M`, `L`), which its requests are paced by.
    public var tenantSizeClass: String = "S"
}
