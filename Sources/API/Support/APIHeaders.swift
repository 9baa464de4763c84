public import HTTPTypes

public enum APIHeaders {
    /// Request id: sent back on every response, and accepted from the caller.
    public static let requestID = HTTPField.Name("X-Request-Id")!
    /// On a signed compliance report: the report's detached signature, the `.sig` JSON of
    /// docs/reports.md, base64url without padding. It signs the response body's exact bytes.
    public static let signature = HTTPField.Name("Holdfast-Signature")!
    /// On a signed compliance report: the id of the key that signed it.
    public static let signingKeyID = HTTPField.Name("Holdfast-Signing-Key-Id")!
    /// Older browsers' form of CSP `frame-ancestors`.
    public static let frameOptions = HTTPField.Name("X-Frame-Options")!
    public static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
