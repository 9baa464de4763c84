import COpenSSL

/// A public key: RSA, EC P-256 or Ed25519.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is created in `init`, never modified afterwards, and freed
/// once in `deinit`. `openssl-threads(7)` documents read-only use of one object from several threads
/// as safe ("Objects are thread-safe as long as the API's being invoked don't modify the object";
/// "two threads can calculate a signature using two different EVP_PKEY_CTX objects"), and each
/// verification here builds its own context; the provider-side key cache an `EVP_PKEY` keeps is
/// updated under the key's own lock ("updates to an object's internal state, such as cached values,
/// are done with locks").
public final class PublicKey: @unchecked Sendable {
    let pointer: OpaquePointer
    public let kind: KeyKind
    /// The DER-encoded SubjectPublicKeyInfo (RFC 5280 section 4.1.2.7).
    public let der: [UInt8]

    /// Takes ownership of `key` (even when it throws).
    init(taking key: OpaquePointer) throws {
        do {
            self.kind = try KeyKind(of: key)
            self.der = try Self.encodeSubjectPublicKeyInfo(key)
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
        self.pointer = key
    }

    deinit {
        EVP_PKEY_free(self.pointer)
    }

    /// The public half of `key` (which may hold a private key) as a key of its own, which never holds
    /// private material.
    convenience init(publicPartOf key: OpaquePointer) throws {
        try self.init(der: Self.encodeSubjectPublicKeyInfo(key))
    }

    /// Reads a `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo) PEM document.
    public convenience init(pem: String) throws {
        let key = try withReadOnlyBIO(over: Array(pem.utf8)) { bio in
            PEM_read_bio_PUBKEY(bio, nil, pemPasswordCallback, nil)
        }
        guard let key else {
            throw CryptoError(.invalidKey, "no PUBLIC KEY (SubjectPublicKeyInfo) PEM block could be read")
        }
        try self.init(taking: key)
    }

    /// Reads a DER-encoded SubjectPublicKeyInfo.
    public convenience init(der: [UInt8]) throws {
        OpenSSLErrorQueue.clear()
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw CryptoError(.invalidKey, "a SubjectPublicKeyInfo of \(der.count) bytes is not valid")
        }
        var consumed = 0
        let key: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let key = d2i_PUBKEY(nil, &cursor, Int(buffer.count))
            consumed = cursor.map { $0 - buffer.baseAddress! } ?? 0
            return key
        }
        guard let key else {
            throw CryptoError(.invalidKey, "the DER is not a SubjectPublicKeyInfo")
        }
        guard consumed == der.count else {
            EVP_PKEY_free(key)
            throw CryptoError(.invalidKey, "the SubjectPublicKeyInfo is followed by \(der.count - consumed) unexpected bytes")
        }
        try self.init(taking: key)
    }

    /// An Ed25519 public key from its 32 raw bytes (RFC 8032; JWK `x` for OKP keys).
    public convenience init(rawEd25519 bytes: [UInt8]) throws {
        guard bytes.count == 32 else {
            throw CryptoError(.invalidKey, "an Ed25519 public key is 32 bytes, not \(bytes.count)")
        }
        OpenSSLErrorQueue.clear()
        guard let key = EVP_PKEY_new_raw_public_key_ex(nil, "ED25519", nil, bytes, bytes.count) else {
            throw CryptoError(.invalidKey, "the bytes are not an Ed25519 public key")
        }
        try self.init(taking: key)
    }

    /// `-----BEGIN PUBLIC KEY-----` PEM (SubjectPublicKeyInfo).
    public func pem() -> String {
        PEMArmor.encode(self.der, label: "PUBLIC KEY")
    }

    /// The key's size in bits (RSA modulus, or the curve's size).
    public var bitCount: Int {
        Int(EVP_PKEY_get_bits(self.pointer))
    }

    /// The 32 raw bytes of an Ed25519 key; `nil` for other kinds.
    public var rawEd25519: [UInt8]? {
        guard self.kind == .ed25519 else {
            return nil
        }
        var length = 32
        var bytes = [UInt8](repeating: 0, count: length)
        guard EVP_PKEY_get_raw_public_key(self.pointer, &bytes, &length) == 1, length == 32 else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return bytes
    }

    /// The modulus and public exponent of an RSA key, big-endian without leading zeros (JWK `n`, `e`);
    /// `nil` for other kinds.
    public var rsaComponents: (modulus: [UInt8], exponent: [UInt8])? {
        guard self.kind == .rsa,
            let modulus = self.bigNumberParameter(OSSL_PKEY_PARAM_RSA_N),
            let exponent = self.bigNumberParameter(OSSL_PKEY_PARAM_RSA_E)
        else {
            return nil
        }
        return (modulus, exponent)
    }

    /// The affine coordinates of a P-256 key, 32 bytes each (JWK `x`, `y`); `nil` for other kinds.
    public var ecP256Coordinates: (x: [UInt8], y: [UInt8])? {
        guard self.kind == .ecP256,
            let x = self.bigNumberParameter(OSSL_PKEY_PARAM_EC_PUB_X, width: 32),
            let y = self.bigNumberParameter(OSSL_PKEY_PARAM_EC_PUB_Y, width: 32)
        else {
            return nil
        }
        return (x, y)
    }

    /// A big-number parameter, big-endian, left-padded to `width` bytes if given, else minimal.
    private func bigNumberParameter(_ name: String, width: Int? = nil) -> [UInt8]? {
        var number: OpaquePointer?
        guard EVP_PKEY_get_bn_param(self.pointer, name, &number) == 1, let number else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        defer { BN_free(number) }
        let minimalCount = Int((BN_num_bits(number) + 7) / 8)
        let count = width ?? minimalCount
        guard minimalCount <= count else {
            return nil
        }
        var bytes = [UInt8](repeating: 0, count: count)
        guard BN_bn2binpad(number, &bytes, Int32(count)) == Int32(count) else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        return bytes
    }

    static func encodeSubjectPublicKeyInfo(_ key: OpaquePointer) throws -> [UInt8] {
        let length = i2d_PUBKEY(key, nil)
        guard length > 0 else {
            throw CryptoError(.invalidKey, "the key's public part cannot be encoded")
        }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_PUBKEY(key, &cursor)
        }
        guard written == length else {
            throw CryptoError(.openssl, "encoding the public key produced \(written) bytes, not \(length)")
        }
        return der
    }
}

extension PublicKey: Hashable {
    /// Keys are equal when their SubjectPublicKeyInfo encodings are.
    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.der == rhs.der
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.der)
    }
}
