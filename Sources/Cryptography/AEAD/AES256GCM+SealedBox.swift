extension AES256GCM {
    /// The output of `seal`: nonce, ciphertext and tag.
    public struct SealedBox: Sendable, Hashable {
        /// 12 bytes.
        public let nonce: [UInt8]
        /// As long as the plaintext.
        public let ciphertext: [UInt8]
        /// 16 bytes.
        public let tag: [UInt8]

        public init(nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) throws {
            guard nonce.count == AES256GCM.nonceByteCount else {
                throw CryptoError(.invalidInput, "an AES-256-GCM nonce must be \(AES256GCM.nonceByteCount) bytes, not \(nonce.count)")
            }
            guard tag.count == AES256GCM.tagByteCount else {
                throw CryptoError(.invalidInput, "an AES-256-GCM tag must be \(AES256GCM.tagByteCount) bytes, not \(tag.count)")
            }
            self.nonce = nonce
            self.ciphertext = ciphertext
            self.tag = tag
        }

        /// Splits `nonce || ciphertext || tag`, the layout `combined` writes.
        public init(combined: [UInt8]) throws {
            let overhead = AES256GCM.nonceByteCount + AES256GCM.tagByteCount
            guard combined.count >= overhead else {
                throw CryptoError(.invalidInput, "a sealed AES-256-GCM box is at least \(overhead) bytes, not \(combined.count)")
            }
            let tagStart = combined.count - AES256GCM.tagByteCount
            try self.init(
                nonce: Array(combined[..<AES256GCM.nonceByteCount]),
                ciphertext: Array(combined[AES256GCM.nonceByteCount..<tagStart]),
                tag: Array(combined[tagStart...])
            )
        }

        /// `nonce || ciphertext || tag`.
        public var combined: [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(self.nonce.count + self.ciphertext.count + self.tag.count)
            bytes.append(contentsOf: self.nonce)
            bytes.append(contentsOf: self.ciphertext)
            bytes.append(contentsOf: self.tag)
            return bytes
        }
    }
}
