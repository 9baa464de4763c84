import COpenSSL

/// A private key with its certificate (and any chain), as a PKCS#12 / PFX file carries them.
public struct PKCS12Bundle: Sendable {
    public let key: PrivateKey
    public let certificate: Certificate
    /// Further certificates in the bundle (usually the issuing chain), in the file's order.
    public let chain: [Certificate]

    /// Opens a DER-encoded PKCS#12 bundle.
    ///
    /// Throws `incorrectPassword` when the password does not open it, and `unsupportedAlgorithm` for
    /// bundles protected with ciphers OpenSSL 3 only keeps in its legacy provider (RC2-40 and similar,
    /// from old Windows exports); `invalidCertificate` if the certificate does not belong to the key.
    public init(der: [UInt8], password: String) throws {
        OpenSSLErrorQueue.clear()
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw CryptoError(.invalidInput, "a PKCS#12 bundle of \(der.count) bytes is not valid")
        }
        let bundle: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_PKCS12(nil, &cursor, buffer.count)
        }
        guard let bundle else {
            throw CryptoError(.invalidInput, "the bytes are not a DER-encoded PKCS#12 bundle")
        }
        defer { PKCS12_free(bundle) }

        var keyPointer: OpaquePointer?
        var certificatePointer: OpaquePointer?
        var chainPointer: OpaquePointer?
        var passwordBytes = Array(password.utf8CString)
        defer { OPENSSL_cleanse(&passwordBytes, passwordBytes.count) }
        let parsed = PKCS12_parse(bundle, passwordBytes, &keyPointer, &certificatePointer, &chainPointer)
        // Owned from here on, whether or not parsing succeeded; each is handed to exactly one owner below.
        var certificateHandle = certificatePointer.map { X509Handle(taking: $0) }
        defer { if let chainPointer { hf_sk_X509_pop_free(chainPointer) } }
        guard parsed == 1 else {
            EVP_PKEY_free(keyPointer)
            throw Self.parseError()
        }
        guard let keyPointer else {
            throw CryptoError(.invalidInput, "the PKCS#12 bundle holds no private key")
        }
        let key = try PrivateKey(taking: keyPointer)
        guard let handle = certificateHandle.take() else {
            throw CryptoError(.invalidCertificate, "the PKCS#12 bundle holds no certificate for its private key")
        }
        let certificate = try Certificate(handle)
        var chain: [Certificate] = []
        if let chainPointer {
            for index in 0..<hf_sk_X509_num(chainPointer) {
                guard let member = hf_sk_X509_value(chainPointer, index) else { continue }
                // The stack keeps its reference; parse a copy of the DER so ownership stays simple.
                let length = i2d_X509(member, nil)
                guard length > 0 else {
                    throw CryptoError(.invalidCertificate, "a chain certificate in the PKCS#12 bundle cannot be encoded")
                }
                var memberDER = [UInt8](repeating: 0, count: Int(length))
                _ = memberDER.withUnsafeMutableBufferPointer { buffer in
                    var cursor = buffer.baseAddress
                    return i2d_X509(member, &cursor)
                }
                chain.append(try Certificate(der: memberDER))
            }
        }
        try self.init(key: key, certificate: certificate, chain: chain)
    }

    /// A bundle of `key` and `certificate`; throws `invalidCertificate` unless the certificate
    /// belongs to the key.
    public init(key: PrivateKey, certificate: Certificate, chain: [Certificate] = []) throws {
        guard certificate.publicKey == key.publicKey else {
            throw CryptoError(.invalidCertificate, "the certificate does not belong to the private key")
        }
        self.key = key
        self.certificate = certificate
        self.chain = chain
    }

    /// Writes `key`, `certificate` and `chain` as a DER PKCS#12 bundle protected by `password`:
    /// PBES2 (PBKDF2, AES-256-CBC) for key and certificates and an HMAC-SHA-256 integrity MAC, which
    /// OpenSSL 3, Windows 10 1709+ and Azure all read.
    public static func make(key: PrivateKey, certificate: Certificate, chain: [Certificate] = [], password: String) throws -> [UInt8] {
        guard certificate.publicKey == key.publicKey else {
            throw CryptoError(.invalidCertificate, "the certificate does not belong to the private key")
        }
        guard !password.isEmpty else {
            throw CryptoError(.invalidInput, "an empty password would not protect the key")
        }
        OpenSSLErrorQueue.clear()
        let leaf = try X509Handle(der: certificate.der)
        guard let stack = hf_sk_X509_new_null() else {
            throw CryptoError(.openssl, "could not allocate a certificate stack")
        }
        // Frees the stack and every certificate pushed onto it.
        defer { hf_sk_X509_pop_free(stack) }
        for member in chain {
            let pointer = try X509Handle(der: member.der).release()
            guard hf_sk_X509_push(stack, pointer) > 0 else {
                X509_free(pointer)
                throw CryptoError(.openssl, "could not add a chain certificate")
            }
        }
        var passwordBytes = Array(password.utf8CString)
        defer { OPENSSL_cleanse(&passwordBytes, passwordBytes.count) }
        let bundle = PKCS12_create(
            passwordBytes, nil, key.pointer, leaf.pointer, chain.isEmpty ? nil : stack,
            NID_aes_256_cbc, NID_aes_256_cbc, 0, 0, 0
        )
        guard let bundle else {
            throw CryptoError(.openssl, "could not build the PKCS#12 bundle")
        }
        defer { PKCS12_free(bundle) }
        let length = i2d_PKCS12(bundle, nil)
        guard length > 0 else {
            throw CryptoError(.openssl, "could not encode the PKCS#12 bundle")
        }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_PKCS12(bundle, &cursor)
        }
        guard written == length else {
            throw CryptoError(.openssl, "could not encode the PKCS#12 bundle")
        }
        withExtendedLifetime(leaf) {}
        return der
    }

    /// Classifies a `PKCS12_parse` failure from the error queue.
    private static func parseError() -> CryptoError {
        let entries = OpenSSLErrorQueue.drain()
        if entries.contains(where: { $0.library == ERR_LIB_PKCS12 && $0.reason == PKCS12_R_MAC_VERIFY_FAILURE }) {
            return CryptoError(.incorrectPassword, "the PKCS#12 bundle could not be opened with the password given", openSSLErrors: entries)
        }
        if entries.contains(where: { $0.reason == ERR_R_UNSUPPORTED }) {
            return CryptoError(
                .unsupportedAlgorithm,
                "the PKCS#12 bundle uses a cipher OpenSSL 3 only has in its legacy provider; re-export it with AES-256 (PBES2)",
                openSSLErrors: entries
            )
        }
        return CryptoError(.invalidInput, "the PKCS#12 bundle could not be read", openSSLErrors: entries)
    }
}
