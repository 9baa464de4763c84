import COpenSSL

extension PrivateKey {
    /// Signs `data` with `algorithm`, returning the signature as JWS carries it: for ES256 the
    /// fixed-width `r || s` (64 bytes), otherwise the only form the algorithm has.
    ///
    /// Throws `unsupportedAlgorithm` when the key's kind does not match the algorithm (RS256 and
    /// PS256 need RSA, ES256 P-256, EdDSA Ed25519).
    public func sign(_ data: [UInt8], algorithm: SignatureAlgorithm) throws -> [UInt8] {
        let signature = try self.derSignature(data, algorithm: algorithm)
        guard algorithm == .es256 else {
            return signature
        }
        return try ECDSASignatureEncoding.jwsRaw(fromDER: signature, coordinateByteCount: 32)
    }

    /// Signs `data` with `algorithm`, returning the signature as OpenSSL and X.509 encode it: for
    /// ES256 a DER `ECDSA-Sig-Value` (what `openssl dgst -verify` expects), otherwise the same bytes
    /// as `sign`.
    public func derSignature(_ data: [UInt8], algorithm: SignatureAlgorithm) throws -> [UInt8] {
        guard self.kind == algorithm.keyKind else {
            throw CryptoError(.unsupportedAlgorithm, "\(algorithm.rawValue) needs an \(algorithm.keyKind) key, not \(self.kind)")
        }
        OpenSSLErrorQueue.clear()
        guard let context = EVP_MD_CTX_new() else {
            throw CryptoError(.openssl, "could not allocate a signing context")
        }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit_ex(context, &keyContext, algorithm.digestName, nil, nil, self.pointer, nil) == 1,
            let keyContext
        else {
            throw CryptoError(.openssl, "could not start a \(algorithm.rawValue) signature")
        }
        if algorithm == .ps256 {
            try configurePSS(keyContext)
        }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, data, data.count) == 1 else {
            throw CryptoError(.openssl, "could not size a \(algorithm.rawValue) signature")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, data, data.count) == 1 else {
            throw CryptoError(.openssl, "\(algorithm.rawValue) signing failed")
        }
        // DER ECDSA signatures are often a byte or two shorter than the maximum OpenSSL sized for.
        signature.removeLast(signature.count - length)
        return signature
    }
}

/// PS256's parameters (RFC 7518 section 3.5): PSS padding, MGF1 with SHA-256, and a salt as long as
/// the digest.
func configurePSS(_ keyContext: OpaquePointer) throws {
    guard hf_EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1,
        EVP_PKEY_CTX_set_rsa_mgf1_md_name(keyContext, FetchedAlgorithm.sha256.name, nil) == 1,
        hf_EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) == 1
    else {
        throw CryptoError(.openssl, "could not configure RSA-PSS")
    }
}
