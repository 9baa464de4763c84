/// Base64url without padding (RFC 4648 section 5; RFC 7515 section 2), as JOSE uses it.
public enum Base64URL {
    public static func encode(_ bytes: [UInt8]) -> String {
        String(decoding: Base64Alphabet.url.encode(bytes, padded: false), as: UTF8.self)
    }

    /// The bytes `string` encodes, or `nil` unless it is canonical unpadded base64url (no `=`, no
    /// whitespace, no `+` or `/`, unused trailing bits zero).
    public static func decode(_ string: String) -> [UInt8]? {
        Base64Alphabet.url.decodeUnpadded(string.utf8)
    }

    /// Like `decode(_:)`, over ASCII bytes.
    public static func decode(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        Base64Alphabet.url.decodeUnpadded(bytes)
    }
}
