import Cryptography

/// The header sealed blobs and sealed records share: a 4-byte magic · key-id length (1 byte) ·
/// data key id (UTF-8). The nonce, ciphertext and tag follow.
enum SealedHeader {
    static func make(magic: [UInt8], dataKeyID: String) -> [UInt8] {
        let keyID = Array(dataKeyID.utf8)
        precondition(keyID.count < 256, "data key ids are short")
        return magic + [UInt8(keyID.count)] + keyID
    }

    /// The data key id and the header's length; `what` names the thing in errors ("blob", "sealed record").
    static func parse(_ sealed: [UInt8], magic: [UInt8], what: String) throws(VaultError) -> (dataKeyID: String, length: Int) {
        guard sealed.count > 5, Array(sealed[0..<4]) == magic else {
            throw VaultError(.unsupportedFormat, "not a Holdfast \(what) (bad magic)")
        }
        let keyLength = Int(sealed[4])
        let length = 5 + keyLength
        guard sealed.count >= length + AES256GCM.nonceByteCount + AES256GCM.tagByteCount,
              let keyID = String(validating: sealed[5..<length], as: UTF8.self) else {
            throw VaultError(.tampered, "a \(what)'s header is truncated")
        }
        return (keyID, length)
    }
}
