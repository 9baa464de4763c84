import COpenSSL

/// HMAC (RFC 2104) with a choice of hash, for protocols that fix one: TOTP (RFC 6238) uses SHA-1 by
/// default and allows SHA-256 and SHA-512. Use ``HMACSHA256`` everywhere Holdfast picks the hash.
public enum HMAC {
    public enum Digest: String, Sendable, Hashable, CaseIterable {
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha512 = "SHA512"

        var algorithm: FetchedAlgorithm {
            switch self {
            case .sha1: FetchedAlgorithm.sha1
            case .sha256: FetchedAlgorithm.sha256
            case .sha512: FetchedAlgorithm.sha512
            }
        }

        /// Bytes in a MAC.
        public var byteCount: Int {
            switch self {
            case .sha1: 20
            case .sha256: 32
            case .sha512: 64
            }
        }
    }

    public static func authenticate(_ data: [UInt8], key: [UInt8], digest: Digest) -> [UInt8] {
        let context = EVP_MAC_CTX_new(FetchedAlgorithm.hmac.pointer)
        requireOpenSSL(context != nil, "allocate an HMAC context")
        defer { EVP_MAC_CTX_free(context) }
        var parameters = ParameterList()
        parameters.appendUTF8String(OSSL_MAC_PARAM_DIGEST, digest.algorithm.name)
        let initialised = parameters.withUnsafeParameters { EVP_MAC_init(context, key, key.count, $0) }
        requireOpenSSL(initialised == 1, "start an HMAC-\(digest.rawValue) computation")
        if !data.isEmpty {
            requireOpenSSL(EVP_MAC_update(context, data, data.count) == 1, "update an HMAC-\(digest.rawValue) computation")
        }
        return [UInt8](unsafeUninitializedCapacity: digest.byteCount) { buffer, initializedCount in
            var length = 0
            requireOpenSSL(EVP_MAC_final(context, buffer.baseAddress, &length, buffer.count) == 1, "finish an HMAC-\(digest.rawValue) computation")
            initializedCount = length
        }
    }

    /// Compares two byte strings in constant time (`CRYPTO_memcmp`); false when their lengths differ.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard !lhs.isEmpty else { return true }
        return CRYPTO_memcmp(lhs, rhs, lhs.count) == 0
    }
}
