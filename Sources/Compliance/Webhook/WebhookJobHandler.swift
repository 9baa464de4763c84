public import HTTP
public import Queue
public import Foundation
public import Logging
import Metrics

/// Opens a webhook event's sealed payload (directory content sealed with the tenant's keys).
public protocol WebhookPayloadOpener: Sendable {
    func open(_ sealed: [UInt8], tenantID: UUID, logger: Logger) async throws -> [UInt8]
}

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
    /// Opens sealed payloads; nil in a process without the master key, which then cannot deliver
    /// them (the attempt fails and the queue retries, perhaps on a worker that has the key).
    public let opener: (any WebhookPayloadOpener)?

    public init(configuration: WebhookConfiguration, http: HTTPClient, opener: (any WebhookPayloadOpener)?) {
        self.configuration = configuration
        self.http = http
        self.opener = opener
    }

    public func run(_ job: Job, context: JobContext) async throws {
        let delivery = try await Self.delivery(for: job, opener: self.opener, logger: context.logger)
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
    static func delivery(for job: Job, opener: (any WebhookPayloadOpener)?, logger: Logger) async throws -> (event: String, body: [UInt8]) {
        let typed: WebhookArguments
        do {
            typed = try WebhookArguments.decode(job.arguments)
        } catch {
            throw PermanentJobError("webhook job \(job.id): \(error.message)",
                                    underlying: ComplianceError(.invalidWebhookArguments, error.message, underlying: error))
        }
        // The payload is forwarded as it was enqueued (decoding checked it is an object).
        let arguments = (try? JSONSerialization.jsonObject(with: Data(job.arguments.utf8))) as? [String: Any] ?? [:]
        var payload = arguments["payload"] ?? [String: Any]()
        if let sealed = typed.sealedPayload, let tenantID = typed.tenantID {
            guard let opener else {
                throw ComplianceError(.invalidWebhookArguments, "webhook job \(job.id) carries a sealed payload and this worker has no master key to open it; a worker with HOLDFAST_MASTER_KEY_FILE delivers it")
            }
            let opened: [UInt8]
            do {
                opened = try await opener.open(sealed, tenantID: tenantID, logger: logger)
            } catch {
                throw PermanentJobError("webhook job \(job.id): its sealed payload does not open for tenant \(tenantID.uuidString.lowercased()): \(error)",
                                        underlying: error)
            }
            guard let object = (try? JSONSerialization.jsonObject(with: Data(opened))) as? [String: Any] else {
                throw PermanentJobError("webhook job \(job.id): its sealed payload is not a JSON object",
                                        underlying: ComplianceError(.invalidWebhookArguments, "sealed payload is not a JSON object"))
            }
            payload = object
        }
        let tenant: Any = typed.tenantID.map { $0.uuidString.lowercased() } ?? NSNull()
        let body: [String: Any] = ["delivery_id": String(job.id), "event": typed.event, "tenant_id": tenant, "payload": payload]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])
        return (typed.event, Array(data))
    }
}
