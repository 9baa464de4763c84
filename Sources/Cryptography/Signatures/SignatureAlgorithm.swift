/// The JWS signature algorithms Holdfast signs and verifies with (RFC 7518 section 3, RFC 8037).
public enum SignatureAlgorithm: String, Sendable, Hashable, CaseIterable, Codable {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    case rs256 = "RS256"
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256, and a 32-byte salt (the digest's length).
    case ps256 = "PS256"
    /// ECDSA on P-256 with SHA-256; in JWS form the signature is `r || s`, 32 bytes each.
    case es256 = "ES256"
    /// Ed25519 (RFC 8037's "EdDSA" with an Ed25519 key).
    case edDSA = "EdDSA"

    /// The kind of key the algorithm needs.
    public var keyKind: KeyKind {
        switch self {
        case .rs256, .ps256: .rsa
        case .es256: .ecP256
        case .edDSA: .ed25519
        }
    }

    /// The digest OpenSSL hashes the message with first; Ed25519 hashes internally.
    var digestName: String? {
        switch self {
        case .rs256, .ps256, .es256: FetchedAlgorithm.sha256.name
        case .edDSA: nil
        }
    }
}
