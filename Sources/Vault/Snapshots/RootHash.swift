import Cryptography

/// A keyed additive hash over a set of map entries: the sum, modulo 2^256, of
/// HMAC-SHA-256(root key, type · object id · blob id) over every live entry.
///
/// Addition commutes, so a snapshot's root is its predecessor's plus the entries it opened minus
/// those it closed (cost proportional to the change), and a verifier can recompute it from the
/// whole map and compare. The HMAC key is secret to the tenant, so entries cannot be chosen to
/// cancel out (the generalized-birthday attack on unkeyed additive hashes needs their values).
public struct RootHash: Sendable, Hashable, CustomStringConvertible {
    /// 32 bytes, little-endian.
    public private(set) var bytes: [UInt8]

    public static let zero = RootHash(bytes: [UInt8](repeating: 0, count: 32))

    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a root hash is 32 bytes")
        self.bytes = bytes
    }

    public var description: String { Hex.encode(self.bytes) }

    /// Hashes entries under one tenant's root key, the key set up once (a snapshot map has a
    /// million entries). Not `Sendable`: one per task.
    final class ElementHasher {
        private let authenticator: HMACSHA256.KeyedAuthenticator

        init(keys: TenantVaultKeys) {
            self.authenticator = keys.rootKey.withTemporaryArray { HMACSHA256.KeyedAuthenticator(key: $0) }
        }

        /// HMAC(root key, type · 0 · object id · 0 · blob id).
        func element(type: String, objectID: String, blobID: BlobID) -> [UInt8] {
            self.authenticator.authenticate(Array(type.utf8), Self.separator, Array(objectID.utf8), Self.separator, blobID.bytes)
        }

        private static let separator: [UInt8] = [0]
    }

    mutating func add(type: String, objectID: String, blobID: BlobID, hasher: ElementHasher) {
        self.add(hasher.element(type: type, objectID: objectID, blobID: blobID))
    }

    mutating func subtract(type: String, objectID: String, blobID: BlobID, hasher: ElementHasher) {
        // x − e ≡ x + (2^256 − e): add the two's complement.
        let element = hasher.element(type: type, objectID: objectID, blobID: blobID)
        var negated = element.map { ~$0 }
        var carry: UInt16 = 1
        for index in 0..<32 {
            let sum = UInt16(negated[index]) + carry
            negated[index] = UInt8(truncatingIfNeeded: sum)
            carry = sum >> 8
        }
        self.add(negated)
    }

    private mutating func add(_ element: [UInt8]) {
        var carry: UInt16 = 0
        for index in 0..<32 {
            let sum = UInt16(self.bytes[index]) + UInt16(element[index]) + carry
            self.bytes[index] = UInt8(truncatingIfNeeded: sum)
            carry = sum >> 8
        }
    }
}
