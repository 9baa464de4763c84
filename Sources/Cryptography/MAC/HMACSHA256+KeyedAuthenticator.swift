import COpenSSL

extension HMACSHA256 {
    /// One key, many short messages: the key is set up once, and each MAC starts from a copy of
    /// that keyed state. `HMACSHA256.authenticate(_:key:)` makes, parameterises and keys a new
    /// OpenSSL context per call, which dominates when the messages are a hundred bytes and there
    /// are a million of them (every entry of a snapshot map, hashed into its root).
    ///
    /// A class so that it can be used from closures; not `Sendable` (the context is mutable
    /// OpenSSL state): make one per task.
    public final class KeyedAuthenticator {
        private let context: OpaquePointer

        public init(key: [UInt8]) {
            self.context = HMACSHA256.keyedContext(key)
        }

        deinit {
            // Frees and cleanses the keyed state.
            EVP_MAC_CTX_free(self.context)
        }

        /// The MAC of `parts` concatenated.
        public func authenticate(_ parts: [UInt8]...) -> [UInt8] {
            let copy = EVP_MAC_CTX_dup(self.context)
            requireOpenSSL(copy != nil, "copy an HMAC context")
            defer { EVP_MAC_CTX_free(copy) }
            for part in parts where !part.isEmpty {
                let updated = part.withUnsafeBufferPointer { EVP_MAC_update(copy, $0.baseAddress, $0.count) }
                requireOpenSSL(updated == 1, "update an HMAC-SHA-256 computation")
            }
            return [UInt8](unsafeUninitializedCapacity: HMACSHA256.byteCount) { buffer, initializedCount in
                var length = 0
                let finished = EVP_MAC_final(copy, buffer.baseAddress, &length, buffer.count)
                requireOpenSSL(finished == 1, "finish an HMAC-SHA-256 computation")
                initializedCount = length
            }
        }
    }
}
