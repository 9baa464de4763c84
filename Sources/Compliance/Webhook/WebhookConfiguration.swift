import Foundation

/// Where and how webhook events are delivered (docs/sla.md, "Webhooks").
///
/// Built by the composition root from `HOLDFAST_WEBHOOK_URL`, `HOLDFAST_WEBHOOK_SECRET_FILE` (or
/// `_SECRET`) and `HOLDFAST_WEBHOOK_TIMEOUT` (docs/configuration.md).
public struct WebhookConfiguration: Sendable {
    public var url: String
    /// The HMAC-SHA256 key the `X-Holdfast-Signature-256` header is computed with. Never logged.
    public var secret: [UInt8]
    public var timeout: Duration

    public init(url: String, secret: [UInt8], timeout: Duration = .seconds(10)) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
    }
}
