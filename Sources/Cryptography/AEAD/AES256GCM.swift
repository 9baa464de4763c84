import COpenSSL

/// AES-256 in Galois/Counter Mode (NIST SP 800-38D) with 96-bit nonces and 128-bit tags.
///
/// With random nonces (the default), one key may seal at most 2^32 messages before the chance of a
/// nonce repeating — which breaks both confidentiality and authenticity — exceeds 2^-32
/// (SP 800-38D section 8.3); rotate data keys well before that.
public enum AES256GCM {
    public static let keyByteCount = 32
    public static let nonceByteCount = 12
    public static let tagByteCount = 16

    /// OpenSSL's update calls take an `int` length, so longer inputs go through in slices of this size.
    private static let sliceByteCount = 1 << 30

    /// Encrypts `plaintext` and authenticates it together with `aad`.
    ///
    /// - Parameters:
    ///   - key: 32 bytes.
    ///   - nonce: 12 bytes, never reused with the same key; `nil` draws a random one.
    ///   - aad: associated data, authenticated but not encrypted; `open` must be given the same bytes.
    public static func seal(
        _ plaintext: [UInt8],
        key: [UInt8],
        nonce: [UInt8]? = nil,
        authenticating aad: [UInt8] = []
    ) throws -> SealedBox {
        try Self.checkKey(key)
        let nonce = nonce ?? SecureRandom.bytes(Self.nonceByteCount)
        guard nonce.count == Self.nonceByteCount else {
            throw CryptoError(.invalidInput, "an AES-256-GCM nonce must be \(Self.nonceByteCount) bytes, not \(nonce.count)")
        }
        OpenSSLErrorQueue.clear()
        let context = try CipherContext()
        guard EVP_EncryptInit_ex2(context.pointer, FetchedAlgorithm.aes256GCM.pointer, key, nonce, nil) == 1 else {
            throw CryptoError(.openssl, "could not start AES-256-GCM encryption")
        }
        try Self.addAssociatedData(aad, to: context, encrypting: true)

        // Capacity of at least one byte so the final call always has a valid output address.
        let ciphertext = try [UInt8](unsafeUninitializedCapacity: max(plaintext.count, 1)) { buffer, initializedCount in
            initializedCount = try Self.transform(plaintext, into: buffer, context: context, encrypting: true)
            var finalLength: Int32 = 0
            guard EVP_EncryptFinal_ex(context.pointer, buffer.baseAddress! + initializedCount, &finalLength) == 1 else {
                throw CryptoError(.openssl, "could not finish AES-256-GCM encryption")
            }
            initializedCount += Int(finalLength)
        }
        var tag = [UInt8](repeating: 0, count: Self.tagByteCount)
        guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagByteCount), &tag) == 1 else {
            throw CryptoError(.openssl, "could not read the AES-256-GCM tag")
        }
        return try SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
    }

    /// Checks `box` against `key` and `aad` and returns the plaintext.
    ///
    /// Throws `CryptoError.authenticationFailure` when the key or associated data differ from those
    /// used to seal, or the nonce, ciphertext or tag were changed; no plaintext is released then.
    public static func open(_ box: SealedBox, key: [UInt8], authenticating aad: [UInt8] = []) throws -> [UInt8] {
        try Self.checkKey(key)
        OpenSSLErrorQueue.clear()
        let context = try CipherContext()
        guard EVP_DecryptInit_ex2(context.pointer, FetchedAlgorithm.aes256GCM.pointer, key, box.nonce, nil) == 1 else {
            throw CryptoError(.openssl, "could not start AES-256-GCM decryption")
        }
        try Self.addAssociatedData(aad, to: context, encrypting: false)

        return try [UInt8](unsafeUninitializedCapacity: max(box.ciphertext.count, 1)) { buffer, initializedCount in
            let written = try Self.transform(box.ciphertext, into: buffer, context: context, encrypting: false)
            var tag = box.tag
            guard EVP_CIPHER_CTX_ctrl(context.pointer, EVP_CTRL_GCM_SET_TAG, Int32(tag.count), &tag) == 1 else {
                OPENSSL_cleanse(buffer.baseAddress, written)
                throw CryptoError(.openssl, "could not set the AES-256-GCM tag")
            }
            var finalLength: Int32 = 0
            guard EVP_DecryptFinal_ex(context.pointer, buffer.baseAddress! + written, &finalLength) == 1 else {
                // The plaintext is unauthenticated: wipe it before the buffer goes back to the allocator.
                OPENSSL_cleanse(buffer.baseAddress, written)
                throw CryptoError(.authenticationFailure, "AES-256-GCM authentication failed: wrong key or associated data, or the data was modified")
            }
            initializedCount = written + Int(finalLength)
        }
    }

    private static func checkKey(_ key: [UInt8]) throws {
        guard key.count == Self.keyByteCount else {
            throw CryptoError(.invalidKey, "an AES-256-GCM key must be \(Self.keyByteCount) bytes, not \(key.count)")
        }
    }

    private static func addAssociatedData(_ aad: [UInt8], to context: borrowing CipherContext, encrypting: Bool) throws {
        try aad.withUnsafeBufferPointer { aad in
            var offset = 0
            while offset < aad.count {
                let count = min(aad.count - offset, Self.sliceByteCount)
                var ignored: Int32 = 0
                let added = encrypting
                    ? EVP_EncryptUpdate(context.pointer, nil, &ignored, aad.baseAddress! + offset, Int32(count))
                    : EVP_DecryptUpdate(context.pointer, nil, &ignored, aad.baseAddress! + offset, Int32(count))
                guard added == 1 else {
                    throw CryptoError(.openssl, "could not add associated data to AES-256-GCM")
                }
                offset += count
            }
        }
    }

    /// Runs `input` through the cipher into `output` (GCM writes exactly as many bytes as it reads);
    /// returns the bytes written.
    private static func transform(
        _ input: [UInt8],
        into output: UnsafeMutableBufferPointer<UInt8>,
        context: borrowing CipherContext,
        encrypting: Bool
    ) throws -> Int {
        try input.withUnsafeBufferPointer { input in
            var offset = 0
            while offset < input.count {
                let count = min(input.count - offset, Self.sliceByteCount)
                var written: Int32 = 0
                let updated = encrypting
                    ? EVP_EncryptUpdate(context.pointer, output.baseAddress! + offset, &written, input.baseAddress! + offset, Int32(count))
                    : EVP_DecryptUpdate(context.pointer, output.baseAddress! + offset, &written, input.baseAddress! + offset, Int32(count))
                guard updated == 1, Int(written) == count else {
                    OPENSSL_cleanse(output.baseAddress, offset)
                    throw CryptoError(.openssl, "AES-256-GCM failed while \(encrypting ? "encrypting" : "decrypting")")
                }
                offset += count
            }
            return offset
        }
    }
}

/// An `EVP_CIPHER_CTX`, freed (and its key schedule cleansed) exactly once when this value ends.
struct CipherContext: ~Copyable {
    let pointer: OpaquePointer

    init() throws {
        guard let pointer = EVP_CIPHER_CTX_new() else {
            throw CryptoError(.openssl, "could not allocate a cipher context")
        }
        self.pointer = pointer
    }

    deinit {
        EVP_CIPHER_CTX_free(self.pointer)
    }
}
