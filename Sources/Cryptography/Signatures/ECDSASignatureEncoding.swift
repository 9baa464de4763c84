import COpenSSL

/// Converts ECDSA signatures between the DER `ECDSA-Sig-Value` OpenSSL and X.509 use and the
/// fixed-width `r || s` JWS uses (RFC 7518 section 3.4).
public enum ECDSASignatureEncoding {
    /// The JWS form of a DER signature, with each of `r` and `s` left-padded to `coordinateByteCount`
    /// (32 for P-256).
    public static func jwsRaw(fromDER der: [UInt8], coordinateByteCount: Int = 32) throws -> [UInt8] {
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw CryptoError(.invalidInput, "an ECDSA signature of \(der.count) bytes is not valid DER")
        }
        var consumed = 0
        let signature: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let signature = d2i_ECDSA_SIG(nil, &cursor, buffer.count)
            consumed = cursor.map { $0 - buffer.baseAddress! } ?? 0
            return signature
        }
        guard let signature else {
            throw CryptoError(.invalidInput, "the ECDSA signature is not valid DER")
        }
        defer { ECDSA_SIG_free(signature) }
        guard consumed == der.count else {
            throw CryptoError(.invalidInput, "the ECDSA signature is followed by \(der.count - consumed) unexpected bytes")
        }
        var raw = [UInt8](repeating: 0, count: 2 * coordinateByteCount)
        for (index, number) in [ECDSA_SIG_get0_r(signature), ECDSA_SIG_get0_s(signature)].enumerated() {
            guard let number, (BN_num_bits(number) + 7) / 8 <= coordinateByteCount else {
                throw CryptoError(.invalidInput, "an ECDSA signature value does not fit in \(coordinateByteCount) bytes")
            }
            let written = raw.withUnsafeMutableBufferPointer {
                BN_bn2binpad(number, $0.baseAddress! + index * coordinateByteCount, Int32(coordinateByteCount))
            }
            guard written == coordinateByteCount else {
                throw CryptoError(.openssl, "could not write an ECDSA signature value")
            }
        }
        return raw
    }

    /// The DER form of a JWS `r || s` signature (whose halves are equally long).
    public static func der(fromJWSRaw raw: [UInt8]) throws -> [UInt8] {
        guard !raw.isEmpty, raw.count % 2 == 0, raw.count <= 132 else {
            throw CryptoError(.invalidInput, "a JWS ECDSA signature of \(raw.count) bytes is not valid")
        }
        let half = raw.count / 2
        guard let signature = ECDSA_SIG_new() else {
            throw CryptoError(.openssl, "could not allocate an ECDSA signature")
        }
        defer { ECDSA_SIG_free(signature) }
        let r = BN_bin2bn(raw, Int32(half), nil)
        let s = raw.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + half, Int32(half), nil) }
        guard let r, let s, ECDSA_SIG_set0(signature, r, s) == 1 else {
            BN_free(r)
            BN_free(s)
            throw CryptoError(.openssl, "could not build an ECDSA signature")
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else {
            throw CryptoError(.openssl, "could not encode an ECDSA signature")
        }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        guard written == length else {
            throw CryptoError(.openssl, "could not encode an ECDSA signature")
        }
        return der
    }
}
