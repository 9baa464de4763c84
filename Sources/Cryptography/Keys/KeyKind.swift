import COpenSSL

/// The kinds of asymmetric key Holdfast accepts.
public enum KeyKind: String, Sendable, Hashable, CustomStringConvertible {
    /// RSA, at least 2048 bits (what Microsoft Entra ID requires of certificate credentials).
    case rsa
    /// ECDSA over NIST P-256 (secp256r1 / prime256v1).
    case ecP256
    /// Ed25519 (RFC 8032).
    case ed25519

    public var description: String {
        switch self {
        case .rsa: "RSA"
        case .ecP256: "EC P-256"
        case .ed25519: "Ed25519"
        }
    }

    static let minimumRSABitCount = 2048
    /// OpenSSL's own ceiling (`OPENSSL_RSA_MAX_MODULUS_BITS`); larger keys only cost CPU to refuse later.
    static let maximumRSABitCount = 16384

    /// Classifies an `EVP_PKEY`, refusing kinds, curves and sizes Holdfast does not use.
    init(of key: OpaquePointer) throws {
        if EVP_PKEY_is_a(key, "RSA") == 1 {
            let bits = Int(EVP_PKEY_get_bits(key))
            guard bits >= Self.minimumRSABitCount else {
                throw CryptoError(.invalidKey, "an RSA key of \(bits) bits is too short; at least \(Self.minimumRSABitCount) bits are required")
            }
            guard bits <= Self.maximumRSABitCount else {
                throw CryptoError(.invalidKey, "an RSA key of \(bits) bits is larger than the \(Self.maximumRSABitCount) bits accepted")
            }
            self = .rsa
        } else if EVP_PKEY_is_a(key, "EC") == 1 {
            var name = [CChar](repeating: 0, count: 80)
            var length = 0
            guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 else {
                throw CryptoError(.invalidKey, "the EC key names no curve (explicit curve parameters are not accepted)")
            }
            let curve = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard curve == "prime256v1" || curve == "P-256" || curve == "secp256r1" else {
                throw CryptoError(.unsupportedAlgorithm, "EC keys on curve \(curve) are not supported; use P-256")
            }
            self = .ecP256
        } else if EVP_PKEY_is_a(key, "ED25519") == 1 {
            self = .ed25519
        } else {
            let typeName = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
            throw CryptoError(.unsupportedAlgorithm, "\(typeName) keys are not supported; use RSA, EC P-256 or Ed25519")
        }
        // Lookups above may have queued entries for the kinds the key is not.
        OpenSSLErrorQueue.clear()
    }
}
