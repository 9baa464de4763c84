import Cryptography

/// The `X-Holdfast-Signature-256` header: `sha256=` and the hex HMAC-SHA256 of the request body
/// under the shared secret. Receivers recompute it over the raw body and compare in constant time.
public enum WebhookSignature {
    public static let headerName = "X-Holdfast-Signature-256"

    public static func headerValue(body: [UInt8], secret: [UInt8]) -> String {
        "sha256=" + Hex.encode(HMACSHA256.authenticate(body, key: secret))
    }

    /// Whether `header` is the signature of `body` under `secret`.
    public static func isValid(header: String, body: [UInt8], secret: [UInt8]) -> Bool {
        guard header.hasPrefix("sha256="), let mac = Hex.decode(String(header.dropFirst(7))) else { return false }
        return HMACSHA256.isValid(mac, for: body, key: secret)
    }
}
