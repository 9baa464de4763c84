import COpenSSL

/// HMAC with SHA-256 (RFC 2104, FIPS 198-1).
public enum HMACSHA256 {
    /// Bytes in a MAC.
    public static let byteCount = 32

    public static func authenticate(_ data: [UInt8], key: [UInt8]) -> [UInt8] {
        var authenticator = Authenticator(key: key)
        authenticator.update(data)
        return authenticator.finalize()
    }

    /// Whether `mac` is the MAC of `data` under `key`, compared in constant time (`CRYPTO_memcmp`)
    /// so the comparison does not reveal how many leading bytes matched.
    public static func isValid(_ mac: [UInt8], for data: [UInt8], key: [UInt8]) -> Bool {
        let expected = Self.authenticate(data, key: key)
        guard mac.count == expected.count else {
            return false
        }
        return CRYPTO_memcmp(mac, expected, expected.count) == 0
    }

    /// A new OpenSSL MAC context set up for HMAC-SHA-256 under `key`; the caller frees it.
    static func keyedContext(_ key: [UInt8]) -> OpaquePointer {
        let context = EVP_MAC_CTX_new(FetchedAlgorithm.hmac.pointer)
        requireOpenSSL(context != nil, "allocate an HMAC context")
        var parameters = ParameterList()
        parameters.appendUTF8String(OSSL_MAC_PARAM_DIGEST, FetchedAlgorithm.sha256.name)
        // `key` as an implicit pointer is never null, even when empty: RFC 2104 allows an empty key,
        // and OpenSSL reads a null key as "keep the previous one".
        let initialised = parameters.withUnsafeParameters { EVP_MAC_init(context, key, key.count, $0) }
        requireOpenSSL(initialised == 1, "start an HMAC-SHA-256 computation")
        return context!
    }

    /// An HMAC-SHA-256 computation fed in pieces. `~Copyable`: it owns an OpenSSL MAC context (which
    /// holds the key), and `finalize()` consumes it.
    public struct Authenticator: ~Copyable {
        private let context: OpaquePointer

        public init(key: [UInt8]) {
            self.context = HMACSHA256.keyedContext(key)
        }

        deinit {
            // Frees and cleanses the keyed state.
            EVP_MAC_CTX_free(self.context)
        }

        public mutating func update(_ data: [UInt8]) {
            data.withUnsafeBytes { self.update(bufferPointer: $0) }
        }

        public mutating func update(bufferPointer: UnsafeRawBufferPointer) {
            guard let base = bufferPointer.baseAddress, !bufferPointer.isEmpty else {
                return
            }
            let updated = EVP_MAC_update(self.context, base.assumingMemoryBound(to: UInt8.self), bufferPointer.count)
            requireOpenSSL(updated == 1, "update an HMAC-SHA-256 computation")
        }

        public consuming func finalize() -> [UInt8] {
            let context = self.context
            return [UInt8](unsafeUninitializedCapacity: HMACSHA256.byteCount) { buffer, initializedCount in
                var length = 0
                let finished = EVP_MAC_final(context, buffer.baseAddress, &length, buffer.count)
                requireOpenSSL(finished == 1, "finish an HMAC-SHA-256 computation")
                initializedCount = length
            }
        }
    }
}
