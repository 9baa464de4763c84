import COpenSSL

/// A private key: RSA (at least 2048 bits), EC P-256 or Ed25519.
///
/// `@unchecked Sendable`: the `EVP_PKEY` is created in `init`, never modified afterwards, and freed
/// once in `deinit`. `openssl-threads(7)` documents read-only use of one object from several threads
/// as safe ("Objects are thread-safe as long as the API's being invoked don't modify the object";
/// "two threads can calculate a signature using two different EVP_PKEY_CTX objects"), and each
/// signature here builds its own context; the provider-side key cache an `EVP_PKEY` keeps is updated
/// under the key's own lock ("updates to an object's internal state, such as cached values, are done
/// with locks").
public final class PrivateKey: @unchecked Sendable {
    let pointer: OpaquePointer
    public let kind: KeyKind
    /// The public half, as a separate key holding no private material.
    public let publicKey: PublicKey

    /// Takes ownership of `key` (even when it throws).
    init(taking key: OpaquePointer) throws {
        do {
            self.kind = try KeyKind(of: key)
            self.publicKey = try PublicKey(publicPartOf: key)
        } catch {
            EVP_PKEY_free(key)
            throw error
        }
        self.pointer = key
    }

    deinit {
        EVP_PKEY_free(self.pointer)
    }

    /// Reads the first private key in a PEM document: PKCS#8 (`PRIVATE KEY`, or `ENCRYPTED PRIVATE
    /// KEY` with `password`), PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`), the last two
    /// optionally encrypted the legacy way (`Proc-Type: 4,ENCRYPTED`). Other PEM blocks before it,
    /// such as the certificate in a combined file, are skipped.
    ///
    /// Never prompts for a password: an encrypted key without `password` throws `incorrectPassword`.
    public convenience init(pem: String, password: String? = nil) throws {
        var bytes = Array(pem.utf8)
        defer { OPENSSL_cleanse(&bytes, bytes.count) }
        let key = try withReadOnlyBIO(over: bytes) { bio in
            withPEMPassword(password) { PEM_read_bio_PrivateKey(bio, nil, pemPasswordCallback, $0) }
        }
        guard let key else {
            if pemIsEncrypted(bytes) {
                throw CryptoError(
                    .incorrectPassword,
                    password == nil
                        ? "the private key is encrypted and no password was given"
                        : "the private key could not be decrypted with the password given"
                )
            }
            throw CryptoError(.invalidKey, "no private key (PKCS#8, PKCS#1 or SEC1 PEM block) could be read")
        }
        try self.init(taking: key)
    }

    /// The key as PKCS#8 PEM: `PRIVATE KEY`, or with `password`, `ENCRYPTED PRIVATE KEY`
    /// (PBES2: PBKDF2 with HMAC-SHA-256, AES-256-CBC).
    public func pemPKCS8(password: String? = nil) throws -> String {
        OpenSSLErrorQueue.clear()
        let bio = try MemoryBIO(secure: true)
        let written: Int32
        if let password {
            guard !password.isEmpty else {
                throw CryptoError(.invalidInput, "an empty password would not protect the key")
            }
            guard let cipher = EVP_CIPHER_fetch(nil, "AES-256-CBC", nil) else {
                throw CryptoError(.unsupportedAlgorithm, "OpenSSL offers no AES-256-CBC to encrypt the key with")
            }
            defer { EVP_CIPHER_free(cipher) }
            var passwordBytes = Array(password.utf8)
            defer { OPENSSL_cleanse(&passwordBytes, passwordBytes.count) }
            written = passwordBytes.withUnsafeMutableBytes { raw in
                PEM_write_bio_PKCS8PrivateKey(
                    bio.pointer, self.pointer, cipher,
                    raw.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(raw.count), nil, nil
                )
            }
        } else {
            written = PEM_write_bio_PKCS8PrivateKey(bio.pointer, self.pointer, nil, nil, 0, nil, nil)
        }
        guard written == 1 else {
            throw CryptoError(.openssl, "the private key could not be written as PKCS#8")
        }
        return bio.string()
    }

    /// The key's size in bits (RSA modulus, or the curve's size).
    public var bitCount: Int {
        Int(EVP_PKEY_get_bits(self.pointer))
    }
}

extension PrivateKey {
    /// A new RSA key with public exponent 65537.
    ///
    /// CPU-bound for tens of milliseconds (2048 bits) to seconds (4096 bits): in a server, call it
    /// from a dedicated thread or thread pool, not from a task on Swift's cooperative pool.
    public static func generateRSA(bits: Int = 2048) throws -> PrivateKey {
        guard (KeyKind.minimumRSABitCount...KeyKind.maximumRSABitCount).contains(bits) else {
            throw CryptoError(
                .invalidInput,
                "RSA keys must have \(KeyKind.minimumRSABitCount)...\(KeyKind.maximumRSABitCount) bits, not \(bits)"
            )
        }
        return try Self.generate("RSA") { EVP_PKEY_CTX_set_rsa_keygen_bits($0, Int32(bits)) }
    }

    /// A new ECDSA key on NIST P-256.
    public static func generateP256() throws -> PrivateKey {
        try Self.generate("EC") { EVP_PKEY_CTX_set_group_name($0, "P-256") }
    }

    /// A new Ed25519 key.
    public static func generateEd25519() throws -> PrivateKey {
        try Self.generate("ED25519") { _ in 1 }
    }

    private static func generate(_ algorithm: String, configure: (OpaquePointer) -> Int32) throws -> PrivateKey {
        OpenSSLErrorQueue.clear()
        guard let context = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else {
            throw CryptoError(.unsupportedAlgorithm, "OpenSSL cannot generate \(algorithm) keys")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_keygen_init(context) == 1, configure(context) == 1 else {
            throw CryptoError(.openssl, "could not set up \(algorithm) key generation")
        }
        var key: OpaquePointer?
        guard EVP_PKEY_generate(context, &key) == 1, let key else {
            throw CryptoError(.openssl, "\(algorithm) key generation failed")
        }
        return try PrivateKey(taking: key)
    }
}
