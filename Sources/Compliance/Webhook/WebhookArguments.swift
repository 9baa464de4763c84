public import Foundation
public import Queue

/// A `webhook` job's arguments: `{"event":…, "tenant_id":…|null, "payload":{…}}`.
///
/// The payload is any JSON object, forwarded as it was enqueued, so only its shape is checked
/// here; ``WebhookJobHandler`` reads it from the job's arguments text. An event about directory
/// content (a change alert) carries it sealed with the tenant's keys instead: `sealed_payload`,
/// base64, opened by the handler's ``WebhookPayloadOpener``.
public struct WebhookArguments: JobArguments {
    public static var kind: JobKind { .webhook }
    public static var tenant: JobTenantRequirement { .optional }
    /// A suspended or offboarded tenant's events (an SLA breach, a change alert) are still told.
    public static var servesInactiveTenants: Bool { true }
    public static var fieldNames: Set<String>? { ["event", "tenant_id", "payload", "sealed_payload"] }

    public var event: String
    public var tenantID: UUID?
    /// The sealed payload's bytes, when the event carries one.
    public var sealedPayload: [UInt8]?

    enum CodingKeys: String, CodingKey {
        case event
        case tenantID = "tenant_id"
        case payload
        case sealedPayload = "sealed_payload"
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.event = try container.decode(String.self, forKey: .event)
        if let text = try container.decodeIfPresent(String.self, forKey: .tenantID) {
            guard let id = UUID(uuidString: text) else {
                throw DecodingError.dataCorruptedError(forKey: .tenantID, in: container, debugDescription: "not a UUID")
            }
            self.tenantID = id
        }
        if container.contains(.payload) {
            _ = try container.nestedContainer(keyedBy: AnyKey.self, forKey: .payload)
        }
        if let text = try container.decodeIfPresent(String.self, forKey: .sealedPayload) {
            guard let bytes = Data(base64Encoded: text), !bytes.isEmpty else {
                throw DecodingError.dataCorruptedError(forKey: .sealedPayload, in: container, debugDescription: "not base64")
            }
            guard !container.contains(.payload) else {
                throw DecodingError.dataCorruptedError(forKey: .sealedPayload, in: container, debugDescription: "an event has a payload or a sealed payload, not both")
            }
            self.sealedPayload = Array(bytes)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.event, forKey: .event)
        try container.encode(self.tenantID?.uuidString.lowercased(), forKey: .tenantID)
        try container.encodeIfPresent(self.sealedPayload.map { Data($0).base64EncodedString() }, forKey: .sealedPayload)
    }

    public func validate() throws(QueueError) {
        guard !self.event.isEmpty, self.event.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Self.invalid("event", "must be a name of printable ASCII without spaces, not \"\(self.event)\"")
        }
        if self.sealedPayload != nil && self.tenantID == nil {
            throw Self.invalid("sealed_payload", "needs tenant_id: it is sealed with that tenant's keys")
        }
    }
}
