import COpenSSL

/// An OpenSSL memory `BIO`, freed exactly once when this value ends.
struct MemoryBIO: ~Copyable {
    let pointer: OpaquePointer

    /// An empty, writable BIO. `secure` keeps the buffer on OpenSSL's secure heap when one is
    /// configured and, either way, cleanses it when it grows or is freed: use it for private keys.
    init(secure: Bool = false) throws {
        guard let method = secure ? BIO_s_secmem() : BIO_s_mem(), let pointer = BIO_new(method) else {
            throw CryptoError(.openssl, "could not allocate an OpenSSL memory buffer")
        }
        self.pointer = pointer
    }

    deinit {
        BIO_free(self.pointer)
    }

    /// Everything written so far, as text.
    func string() -> String {
        var base: UnsafeMutablePointer<CChar>?
        let count = hf_BIO_get_mem_data(self.pointer, &base)
        guard let base, count > 0 else {
            return ""
        }
        return base.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }
}

/// Calls `body` with a read-only memory BIO over `bytes`; the BIO does not outlive the call.
func withReadOnlyBIO<Result>(over bytes: [UInt8], _ body: (OpaquePointer) throws -> Result) throws -> Result {
    OpenSSLErrorQueue.clear()
    guard !bytes.isEmpty else {
        throw CryptoError(.invalidInput, "the input is empty")
    }
    guard bytes.count <= Int32.max else {
        throw CryptoError(.invalidInput, "an input of \(bytes.count) bytes is too large")
    }
    return try bytes.withUnsafeBytes { raw in
        guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else {
            throw CryptoError(.openssl, "could not allocate an OpenSSL memory buffer")
        }
        defer { BIO_free(bio) }
        return try body(bio)
    }
}
