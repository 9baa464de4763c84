import COpenSSL

/// An algorithm implementation fetched once from OpenSSL's default library context.
///
/// OpenSSL 3 looks an algorithm up in its provider store on every use of `EVP_sha256()`-style
/// handles ("implicit fetch"); fetching once and reusing the handle avoids that lookup and its lock
/// on every hash, MAC and seal (see OpenSSL's `crypto(7)`, "Performance"). Handles live as long as
/// the process.
///
/// `@unchecked Sendable`: the wrapped `EVP_MD` / `EVP_CIPHER` / `EVP_MAC` / `EVP_KDF` is never
/// mutated after the fetch (only read, and its reference count changed atomically by contexts that
/// use it), which `openssl-threads(7)` documents as safe: "Objects are thread-safe as long as the
/// API's being invoked don't modify the object"; "updates to an object's internal state, such as
/// cached values, are done with locks".
final class FetchedAlgorithm: @unchecked Sendable {
    let pointer: OpaquePointer
    let name: String

    private init(pointer: OpaquePointer, name: String) {
        self.pointer = pointer
        self.name = name
    }

    /// The provider store cannot lose an algorithm once it had it; a failed fetch means OpenSSL is
    /// misconfigured (for example a FIPS configuration without the module installed), which no
    /// caller can recover from, so it stops the process with OpenSSL's reason.
    private static func fetch(_ name: String, _ fetch: (String) -> OpaquePointer?) -> FetchedAlgorithm {
        guard let pointer = fetch(name) else {
            let reasons = OpenSSLErrorQueue.drain().map(\.text).joined(separator: "; ")
            fatalError("OpenSSL provides no \(name) implementation in its default library context: \(reasons)")
        }
        return FetchedAlgorithm(pointer: pointer, name: name)
    }

    static let sha256 = fetch("SHA2-256") { EVP_MD_fetch(nil, $0, nil) }
    static let sha1 = fetch("SHA1") { EVP_MD_fetch(nil, $0, nil) }
    static let sha512 = fetch("SHA2-512") { EVP_MD_fetch(nil, $0, nil) }
    static let aes256GCM = fetch("AES-256-GCM") { EVP_CIPHER_fetch(nil, $0, nil) }
    static let hmac = fetch("HMAC") { EVP_MAC_fetch(nil, $0, nil) }
    static let hkdf = fetch("HKDF") { EVP_KDF_fetch(nil, $0, nil) }
    static let scrypt = fetch("SCRYPT") { EVP_KDF_fetch(nil, $0, nil) }
}
