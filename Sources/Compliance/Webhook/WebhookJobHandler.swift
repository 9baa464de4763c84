public import HTTP
public import Queue
import Foundation
import Metrics

/// Runs `webhook` jobs: POSTs the event as JSON to the configured URL, signed with HMAC-SHA256.
///
/// The body is `{"delivery_id":…, "event":…, "tenant_id":…, "payload":{…}}` (keys sorted); headers
/// `X-Holdfast-Event`, `X-Holdfast-Delivery` (the job id, the same on every retry, for receivers
/// to de-duplicate) and `X-Holdfast-Signature-256`. A 2xx completes the job. Transport errors,
/// 408, 429 and 5xx fail the attempt, so the queue retries with backoff; any other status is
/// permanent and discards the job.
public struct WebhookJobHandler: JobHandler {
    public let kind = JobKind.webhook
    public let configuration: WebhookConfiguration
    public let http: HTTPClient

    public init(configuration: WebhookConfiguration, http: HTTPClient) {
        self.configuration = configuration
        self.http = http
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let delivery = try Self.delivery(for: job)
        var request = HTTPRequest(method: .post, url: configuration.url, body: delivery.body, timeout: configuration.timeout)
        request.headers = [
            "Content-Type": "application/json",
            "User-Agent": "holdfast-webhook",
            "X-Holdfast-Event": delivery.event,
            "X-Holdfast-Delivery": String(job.id),
            WebhookSignature.headerName: WebhookSignature.headerValue(body: delivery.body, secret: configuration.secret),
        ]
        var logger = context.logger
        logger[metadataKey: "webhook.event"] = "\(delivery.event)"
        let response: HTTPResponse
        do {
            response = try await http.execute(request)
        } catch {
            Self.count("unreachable")
            logger.warning("webhook delivery failed; the queue retries it", metadata: ["error": "\(error)"])
            throw ComplianceError(.webhookDeliveryFailed, "the webhook receiver could not be reached: \(error)", underlying: error)
        }
        logger[metadataKey: "http.status"] = "\(response.status)"
        switch response.status {
        case 200..<300:
            Self.count("delivered")
            logger.info("webhook delivered")
        case 408, 429, 500...:
            Self.count("failed")
            logger.warning("webhook receiver answered with a retryable status; the queue retries it")
            throw ComplianceError(.webhookDeliveryFailed, "the webhook receiver answered \(response.status)")
        default:
            Self.count("rejected")
            logger.error("webhook receiver rejected the event; not retried")
            throw PermanentJobError("the webhook receiver rejected the event with status \(response.status)",
                                    underlying: ComplianceError(.webhookDeliveryFailed, "status \(response.status)"))
        }
    }

    /// `holdfast_webhook_deliveries_total{outcome}`: delivered (2xx), failed (a retryable status),
    /// unreachable (no answer; retried too) or rejected (any other status; not retried).
    private static func count(_ outcome: String) {
        Counter(label: "holdfast_webhook_deliveries_total", dimensions: [("outcome", outcome)]).increment()
    }

    /// The request body for `job` and its event name.
    static func delivery(for job: Job) throws -> (event: String, body: [UInt8]) {
        let object = try? JSONSerialization.jsonObject(with: Data(job.arguments.utf8))
        guard let arguments = object as? [String: Any], let event = arguments["event"] as? String, !event.isEmpty,
            event.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F })
        else {
            throw PermanentJobError("webhook job \(job.id) has no valid \"event\" in its arguments",
                                    underlying: ComplianceError(.invalidWebhookArguments, "missing or invalid event"))
        }
        let tenant = arguments["tenant_id"] ?? NSNull()
        guard tenant is NSNull || tenant is String else {
            throw PermanentJobError("webhook job \(job.id): \"tenant_id\" must be a string or null",
                                    underlying: ComplianceError(.invalidWebhookArguments, "invalid tenant_id"))
        }
        let payload = arguments["payload"] ?? [String: Any]()
        guard payload is [String: Any] else {
            throw PermanentJobError("webhook job \(job.id): \"payload\" must be an object",
                                    underlying: ComplianceError(.invalidWebhookArguments, "invalid payload"))
        }
        let body: [String: Any] = ["delivery_id": String(job.id), "event": event, "tenant_id": tenant, "payload": payload]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return (event, Array(data))
    }
}
