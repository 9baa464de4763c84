/// Writes DER as PEM (RFC 7468): base64 in 64-character lines between BEGIN and END labels,
/// exactly as OpenSSL's PEM writers lay it out.
enum PEMArmor {
    static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Base64Alphabet.standard.encode(der, padded: true)
        var text = "-----BEGIN \(label)-----\n"
        var start = 0
        while start < base64.count {
            let end = min(start + 64, base64.count)
            text += String(decoding: base64[start..<end], as: UTF8.self)
            text += "\n"
            start = end
        }
        text += "-----END \(label)-----\n"
        return text
    }
}
