import COpenSSL

/// OpenSSL's PEM password callback: copies the NUL-terminated password passed as `userData`, or
/// reports failure when there is none. Installing it (rather than passing no callback) matters:
/// OpenSSL's default callback would prompt on the process's terminal for an encrypted key.
let pemPasswordCallback: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = {
    buffer, size, _, userData in
    guard let buffer, let userData else {
        return -1
    }
    let password = userData.assumingMemoryBound(to: CChar.self)
    let length = strlen(password)
    guard length <= Int(size) else {
        return -1
    }
    buffer.update(from: password, count: length)
    return Int32(length)
}

/// Calls `body` with the user-data pointer `pemPasswordCallback` expects for `password`.
func withPEMPassword<Result>(_ password: String?, _ body: (UnsafeMutableRawPointer?) throws -> Result) rethrows -> Result {
    guard let password else {
        return try body(nil)
    }
    var bytes = Array(password.utf8CString)
    defer { OPENSSL_cleanse(&bytes, bytes.count) }
    return try bytes.withUnsafeMutableBytes { try body($0.baseAddress) }
}

/// Whether a PEM document holds an encrypted private key (PKCS#8 `ENCRYPTED PRIVATE KEY`, or a
/// legacy PKCS#1/SEC1 block with `Proc-Type: 4,ENCRYPTED`).
func pemIsEncrypted(_ pem: [UInt8]) -> Bool {
    let text = String(decoding: pem, as: UTF8.self)
    return text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")
}
