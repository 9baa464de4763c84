import COpenSSL

/// HKDF with SHA-256 (RFC 5869): extract-then-expand, through OpenSSL's `EVP_KDF` "HKDF".
public enum HKDF {
    /// The most HKDF-SHA-256 can produce: 255 blocks of 32 bytes.
    public static let maximumOutputByteCount = 255 * SHA256.byteCount

    /// Derives `outputByteCount` bytes from `inputKeyMaterial`.
    ///
    /// An empty `salt` means "no salt", which RFC 5869 defines as a block of zeros. `outputByteCount`
    /// must be between 1 and `maximumOutputByteCount`, a programming error otherwise.
    public static func deriveKey(inputKeyMaterial: [UInt8], salt: [UInt8], info: [UInt8], outputByteCount: Int) -> [UInt8] {
        precondition(
            (1...Self.maximumOutputByteCount).contains(outputByteCount),
            "HKDF-SHA-256 output must be 1...\(Self.maximumOutputByteCount) bytes, not \(outputByteCount)"
        )
        let context = EVP_KDF_CTX_new(FetchedAlgorithm.hkdf.pointer)
        requireOpenSSL(context != nil, "allocate an HKDF context")
        defer { EVP_KDF_CTX_free(context) }

        var parameters = ParameterList()
        parameters.appendUTF8String(OSSL_KDF_PARAM_DIGEST, FetchedAlgorithm.sha256.name)
        parameters.appendOctetString(OSSL_KDF_PARAM_KEY, inputKeyMaterial, isSecret: true)
        if !salt.isEmpty {
            parameters.appendOctetString(OSSL_KDF_PARAM_SALT, salt, isSecret: false)
        }
        if !info.isEmpty {
            parameters.appendOctetString(OSSL_KDF_PARAM_INFO, info, isSecret: false)
        }
        return [UInt8](unsafeUninitializedCapacity: outputByteCount) { buffer, initializedCount in
            let derived = parameters.withUnsafeParameters {
                EVP_KDF_derive(context, buffer.baseAddress, outputByteCount, $0)
            }
            requireOpenSSL(derived == 1, "derive a key with HKDF-SHA-256")
            initializedCount = outputByteCount
        }
    }
}
