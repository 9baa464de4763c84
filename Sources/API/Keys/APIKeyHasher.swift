public import Cryptography

/// Hashes API key secrets under a key derived from the master key (HKDF, purpose
/// `api-key-hash`), so only a process holding the master key can make or check a stored hash: a
/// row written into `api_keys` by someone who can only write to the database authenticates
/// nothing. Each stored hash names the master key id it was made under (`api_keys.hash_key_id`),
/// so keys keep working across a master key rotation and are re-hashed under the current key on
/// their next use.
public struct APIKeyHasher: Sendable {
    static let purpose = "api-key-hash"

    private struct HashKey: Sendable {
        var id: String
        var material: SecretBytes
    }

    private let current: HashKey
    private let byID: [String: HashKey]

    public init(keyRing: MasterKeyRing) {
        let keys = keyRing.allKeys.map { HashKey(id: $0.id, material: $0.derivedKey(purpose: Self.purpose)) }
        self.current = HashKey(id: keyRing.current.id, material: keyRing.current.derivedKey(purpose: Self.purpose))
        self.byID = Dictionary(keys.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The id of the master key new hashes are made under.
    public var currentKeyID: String { current.id }

    /// A new hash under the current key, and that key's id.
    func hash(secret: [UInt8]) -> (keyID: String, hash: [UInt8]) {
        (current.id, current.material.withTemporaryArray { HMACSHA256.authenticate(secret, key: $0) })
    }

    enum Verdict: Equatable {
        case valid
        /// Valid, but made under an older master key (or the legacy constant): hash it again.
        case validUnderOlderKey
        case invalid
    }

    /// Checks `secret` against a stored hash made under master key `keyID` (nil: the legacy
    /// constant of releases before hashes were keyed, accepted only when `acceptLegacy`).
    func verify(secret: [UInt8], storedHash: [UInt8], keyID: String?, acceptLegacy: Bool) -> Verdict {
        guard let keyID else {
            // Always spend the work, so timing does not tell legacy rows apart.
            let matches = APIKeyToken.matchesLegacy(secret: secret, storedHash: storedHash)
            return acceptLegacy && matches ? .validUnderOlderKey : .invalid
        }
        guard let key = byID[keyID] else {
            _ = current.material.withTemporaryArray { HMACSHA256.isValid(storedHash, for: secret, key: $0) }
            return .invalid
        }
        let matches = key.material.withTemporaryArray { HMACSHA256.isValid(storedHash, for: secret, key: $0) }
        guard matches else { return .invalid }
        return key.id == current.id ? .valid : .validUnderOlderKey
    }

    /// The same work as a real check, for unknown key ids.
    func spendEquivalentWork(secret: [UInt8]) {
        _ = current.material.withTemporaryArray { HMACSHA256.isValid([UInt8](repeating: 0, count: 32), for: secret, key: $0) }
    }
}
