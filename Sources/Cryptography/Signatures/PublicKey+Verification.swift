import COpenSSL

extension PublicKey {
    /// Whether `signature`, in the form JWS carries it (for ES256 the 64-byte `r || s`), is a valid
    /// `algorithm` signature of `data` under this key. A key whose kind does not match the algorithm
    /// verifies nothing.
    public func verify(_ signature: [UInt8], for data: [UInt8], algorithm: SignatureAlgorithm) -> Bool {
        guard algorithm == .es256 else {
            return self.verify(derSignature: signature, for: data, algorithm: algorithm)
        }
        guard signature.count == 64, let der = try? ECDSASignatureEncoding.der(fromJWSRaw: signature) else {
            OpenSSLErrorQueue.clear()
            return false
        }
        return self.verify(derSignature: der, for: data, algorithm: algorithm)
    }

    /// Whether `signature`, as OpenSSL and X.509 encode it (for ES256 a DER `ECDSA-Sig-Value`), is a
    /// valid `algorithm` signature of `data` under this key.
    public func verify(derSignature signature: [UInt8], for data: [UInt8], algorithm: SignatureAlgorithm) -> Bool {
        // A failed verification leaves entries on the queue; they are the expected answer, not an error.
        defer { OpenSSLErrorQueue.clear() }
        guard self.kind == algorithm.keyKind, !signature.isEmpty else {
            return false
        }
        guard let context = EVP_MD_CTX_new() else {
            return false
        }
        defer { EVP_MD_CTX_free(context) }
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit_ex(context, &keyContext, algorithm.digestName, nil, nil, self.pointer, nil) == 1,
            let keyContext
        else {
            return false
        }
        if algorithm == .ps256 {
            guard (try? configurePSS(keyContext)) != nil else {
                return false
            }
        }
        return EVP_DigestVerify(context, signature, signature.count, data, data.count) == 1
    }
}
