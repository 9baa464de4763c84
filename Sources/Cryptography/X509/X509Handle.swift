import COpenSSL

/// An OpenSSL `X509`, freed exactly once when this value ends. `Certificate` keeps only DER and
/// parsed fields; a handle exists for the length of an operation that needs OpenSSL's object.
struct X509Handle: ~Copyable {
    let pointer: OpaquePointer

    /// Takes ownership of `pointer`.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// Parses exactly one DER certificate, with nothing after it.
    init(der: [UInt8]) throws {
        OpenSSLErrorQueue.clear()
        guard !der.isEmpty, der.count <= Int(Int32.max) else {
            throw CryptoError(.invalidCertificate, "a certificate of \(der.count) bytes is not valid DER")
        }
        var consumed = 0
        let pointer: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            let certificate = d2i_X509(nil, &cursor, buffer.count)
            consumed = cursor.map { $0 - buffer.baseAddress! } ?? 0
            return certificate
        }
        guard let pointer else {
            throw CryptoError(.invalidCertificate, "the DER is not an X.509 certificate")
        }
        guard consumed == der.count else {
            X509_free(pointer)
            throw CryptoError(.invalidCertificate, "the certificate is followed by \(der.count - consumed) unexpected bytes")
        }
        self.pointer = pointer
    }

    deinit {
        X509_free(self.pointer)
    }

    /// Hands the `X509` to a new owner (a stack that frees its members, say) without freeing it.
    consuming func release() -> OpaquePointer {
        let pointer = self.pointer
        discard self
        return pointer
    }

    func der() throws -> [UInt8] {
        let length = i2d_X509(self.pointer, nil)
        guard length > 0 else {
            throw CryptoError(.invalidCertificate, "the certificate cannot be encoded as DER")
        }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_X509(self.pointer, &cursor)
        }
        guard written == length else {
            throw CryptoError(.openssl, "encoding the certificate produced \(written) bytes, not \(length)")
        }
        return der
    }
}
