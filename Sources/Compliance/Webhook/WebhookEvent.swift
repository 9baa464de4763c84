public import Foundation
public import Queue

extension JobKind {
    /// Delivers one event to the configured webhook (``WebhookJobHandler``).
    public static let webhook = JobKind("webhook")
}

/// An event for the webhook, as a queue job's arguments: `{"event":…, "tenant_id":…, "payload":{…}}`.
///
/// Anything may enqueue one (the SLA evaluator sends `sla.breached` and `sla.recovered`; restores
/// send `change_alert`); a worker with a webhook configured delivers it, with the queue's retries.
public struct WebhookEvent<Payload: Encodable & Sendable>: Sendable, Encodable {
    public var event: String
    public var tenantID: UUID?
    public var payload: Payload

    public init(event: String, tenantID: UUID?, payload: Payload) {
        self.event = event
        self.tenantID = tenantID
        self.payload = payload
    }

    enum CodingKeys: String, CodingKey {
        case event
        case tenantID = "tenant_id"
        case payload
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(event, forKey: .event)
        try container.encode(tenantID?.uuidString.lowercased(), forKey: .tenantID)
        try container.encode(payload, forKey: .payload)
    }

    /// The job that delivers this event. `uniqueKey` keeps one delivery per key pending.
    public func enqueueRequest(maxAttempts: Int = 12, uniqueKey: String? = nil) throws -> EnqueueRequest {
        try EnqueueRequest(kind: .webhook, tenantID: tenantID, encoding: self, priority: QueuePriority.notification, maxAttempts: maxAttempts, uniqueKey: uniqueKey)
    }
}
