public import Foundation
public import Vault

/// One object's life across a tenant's snapshots: the snapshot where it appeared, each later one
/// where it changed (attribute by attribute), and the one where it was gone — for
/// `holdfast objects history` and `GET /v1/tenants/{tenant_id}/object/history`.
public struct ObjectHistory: Sendable, Hashable, Codable {
    public struct Event: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable {
            /// First seen, or seen again after it was gone (recreated or restored).
            case created
            case changed
            /// Not in this snapshot any more.
            case deleted
        }

        public var kind: Kind
        public var snapshotID: Int64
        public var committedAt: Date
        /// The version's blob; nil for `deleted`.
        public var blobID: String?
        /// What differs from the previous version; empty for `created` and `deleted`.
        public var changes: [AttributeChange]

        enum CodingKeys: String, CodingKey {
            case kind, changes
            case snapshotID = "snapshot_id"
            case committedAt = "committed_at"
            case blobID = "blob_id"
        }
    }

    public var tenantID: UUID
    public var type: String
    public var objectID: String
    /// Oldest first.
    public var events: [Event]

    enum CodingKeys: String, CodingKey {
        case type, events
        case tenantID = "tenant_id"
        case objectID = "id"
    }

    /// Reads every version of the object and compares each with the one before (one blob read per
    /// version). Empty `events` when no snapshot holds the object.
    public static func load(vault: Vault, tenantID: UUID, type: String, objectID: String) async throws -> ObjectHistory {
        var history = ObjectHistory(tenantID: tenantID, type: type, objectID: objectID, events: [])
        var previous: CanonicalJSON?
        var previousEnd: Int64?
        for version in try await vault.history(tenantID: tenantID, type: type, objectID: objectID) {
            if let end = previousEnd, end != version.validFrom {
                try await history.events.append(Self.deletion(at: end, vault: vault))
                previous = nil
            }
            let object = try CanonicalJSON.parse(try await vault.read(version.blobID, tenantID: tenantID))
            history.events.append(Event(kind: previous == nil ? .created : .changed, snapshotID: version.validFrom,
                                        committedAt: version.committedAt, blobID: version.blobID.hex,
                                        changes: previous.map { AttributeChange.between($0, object) } ?? []))
            previous = object
            previousEnd = version.validTo
        }
        if let end = previousEnd { try await history.events.append(Self.deletion(at: end, vault: vault)) }
        return history
    }

    private static func deletion(at snapshotID: Int64, vault: Vault) async throws -> Event {
        Event(kind: .deleted, snapshotID: snapshotID, committedAt: try await vault.snapshot(id: snapshotID).committedAt, blobID: nil,
              changes: [])
    }

    /// JSON (sorted keys, ISO 8601 dates), as the API returns it.
    public func renderJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Readable text: a line per event, then one per attribute (as `holdfast diff` prints them).
    public func renderText() -> String {
        var lines: [String] = []
        let formatter = ISO8601DateFormatter()
        for event in self.events {
            lines.append("snapshot \(event.snapshotID) (\(formatter.string(from: event.committedAt))): \(event.kind.rawValue)")
            lines += event.changes.map { "    " + $0.renderText() }
        }
        return lines.joined(separator: "\n")
    }
}
