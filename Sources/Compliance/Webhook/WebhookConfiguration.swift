import Foundation

/// Where and how webhook events are delivered (docs/sla.md, "Webhooks").
///
/// Read from the environment by ``init(environment:)``:
/// - `HOLDFAST_WEBHOOK_URL`: the receiver (http or https). Unset: no webhook.
/// - `HOLDFAST_WEBHOOK_SECRET_FILE`: a file holding the HMAC secret (trailing newline ignored), or
///   `HOLDFAST_WEBHOOK_SECRET`: the secret itself. Required with a URL.
/// - `HOLDFAST_WEBHOOK_TIMEOUT`: seconds a delivery may take. Default 10.
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

    /// The configuration in `environment`; nil when `HOLDFAST_WEBHOOK_URL` is unset or empty.
    public init?(environment: [String: String]) throws {
        guard let url = environment["HOLDFAST_WEBHOOK_URL"], !url.isEmpty else { return nil }
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            throw ComplianceError(.webhookNotConfigured, "HOLDFAST_WEBHOOK_URL must be an http or https URL")
        }
        var secret: String
        if let path = environment["HOLDFAST_WEBHOOK_SECRET_FILE"], !path.isEmpty {
            do {
                secret = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ComplianceError(.webhookNotConfigured, "cannot read the webhook secret file \(path)", underlying: error)
            }
            while secret.hasSuffix("\n") || secret.hasSuffix("\r") { secret.removeLast() }
        } else if let value = environment["HOLDFAST_WEBHOOK_SECRET"], !value.isEmpty {
            secret = value
        } else {
            throw ComplianceError(.webhookNotConfigured,
                                  "HOLDFAST_WEBHOOK_URL is set but no secret is: set HOLDFAST_WEBHOOK_SECRET_FILE (or HOLDFAST_WEBHOOK_SECRET)")
        }
        guard secret.utf8.count >= 16 else {
            throw ComplianceError(.webhookNotConfigured, "the webhook secret must be at least 16 bytes")
        }
        var timeout = Duration.seconds(10)
        if let text = environment["HOLDFAST_WEBHOOK_TIMEOUT"], !text.isEmpty {
            guard let seconds = Double(text), seconds > 0, seconds.isFinite else {
                throw ComplianceError(.webhookNotConfigured, "HOLDFAST_WEBHOOK_TIMEOUT must be a positive number of seconds")
            }
            timeout = .milliseconds(Int64(seconds * 1000))
        }
        self.init(url: url, secret: Array(secret.utf8), timeout: timeout)
    }
}
