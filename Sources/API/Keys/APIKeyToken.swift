import Cryptography

/// The token format: `hf_live_<key id>_<secret>`.
///
/// The key id is 12 base32 characters (60 bits, enough to be unique and short to read out); the
/// secret is 32 random bytes (256 bits) in base64url. Only an HMAC-SHA-256 of the secret is stored,
/// under a key derived from the master key (``APIKeyHasher``).
enum APIKeyToken {
    static let prefix = "hf_live_"
    static let keyIDLength = 12
    static let secretByteCount = 32

    private static let base32Alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)
    /// The public constant that keyed stored hashes before they were keyed by the master key.
    /// Anyone can compute such a hash, so it is only checked when an operator opts in to upgrade
    /// old keys (``APIConfiguration/acceptsLegacyKeyHashes``), and never made.
    private static let legacyHashKey = Array("holdfast.api_key.secret.v1".utf8)

    struct Parsed: Sendable {
        var keyID: String
        var secret: [UInt8]
    }

    /// A fresh key id and secret, and the token that carries them.
    static func generate() -> (keyID: String, secret: [UInt8], token: String) {
        let keyID = String(decoding: SecureRandom.bytes(keyIDLength).map { base32Alphabet[Int($0 & 0x1f)] }, as: UTF8.self)
        let secretText = Base64URL.encode(SecureRandom.bytes(secretByteCount))
        let secret = Array(secretText.utf8)
        return (keyID, secret, prefix + keyID + "_" + secretText)
    }

    /// Splits a token; nil when it is not one of ours (wrong prefix, length or alphabet).
    static func parse(_ token: String) -> Parsed? {
        let bytes = Array(token.utf8)
        let prefixBytes = Array(prefix.utf8)
        let secretStart = prefixBytes.count + keyIDLength + 1
        guard bytes.count > secretStart, bytes.count <= secretStart + 64, bytes.starts(with: prefixBytes),
              bytes[secretStart - 1] == UInt8(ascii: "_") else { return nil }
        let keyIDBytes = bytes[prefixBytes.count..<(secretStart - 1)]
        guard keyIDBytes.allSatisfy({ base32Alphabet.contains($0) }) else { return nil }
        let secret = Array(bytes[secretStart...])
        guard Base64URL.decode(secret)?.count == secretByteCount else { return nil }
        return Parsed(keyID: String(decoding: keyIDBytes, as: UTF8.self), secret: secret)
    }

    /// Compares with a legacy (unkeyed) hash in constant time.
    static func matchesLegacy(secret: [UInt8], storedHash: [UInt8]) -> Bool {
        HMACSHA256.isValid(storedHash, for: secret, key: legacyHashKey)
    }
}
