public import Foundation
public import Logging
import Postgres

/// One object whose version differs between two snapshots: nil on a side where it was absent.
public struct VersionChange: Sendable, Hashable {
    public var type: String
    public var objectID: String
    public var before: BlobID?
    public var after: BlobID?
}

extension Vault {
    /// Every object of `type` live at `snapshotID`, in key order.
    public func versions(tenantID: UUID, type: String, at snapshotID: Int64, logger: Logger? = nil) async throws -> [ObjectVersion] {
        let logger = logger ?? self.logger
        return try await self.client.query("""
            SELECT v.type, v.object_id, encode(v.blob_id, 'hex') AS blob, v.valid_from, v.valid_to, s.committed_at
            FROM object_versions v JOIN snapshots s ON s.id = v.valid_from
            WHERE v.tenant_id = \(tenantID) AND v.type = \(type) AND v.valid_from <= \(snapshotID)
              AND (v.valid_to IS NULL OR v.valid_to > \(snapshotID))
            ORDER BY v.object_id
            """, logger: logger).map(Self.decodeVersion)
    }

    /// The objects whose version at `from` differs from their version at `to` (`from` < `to`).
    /// Only versions opened or closed by the snapshots in between are looked at, through the
    /// `valid_from` and `valid_to` indexes, so the cost follows the change, not the tenant.
    public func changes(tenantID: UUID, from: Int64, to: Int64, logger: Logger? = nil) async throws -> [VersionChange] {
        let logger = logger ?? self.logger
        guard from != to else { return [] }
        let (low, high) = from < to ? (from, to) : (to, from)
        let rows = try await self.client.query("""
            WITH touched AS (
                SELECT type, object_id FROM object_versions
                WHERE tenant_id = \(tenantID) AND valid_from > \(low) AND valid_from <= \(high)
                UNION
                SELECT type, object_id FROM object_versions
                WHERE tenant_id = \(tenantID) AND valid_to > \(low) AND valid_to <= \(high)
            )
            SELECT t.type, t.object_id, encode(a.blob_id, 'hex') AS low_blob, encode(b.blob_id, 'hex') AS high_blob
            FROM touched t
            LEFT JOIN object_versions a ON a.tenant_id = \(tenantID) AND a.type = t.type AND a.object_id = t.object_id
                 AND a.valid_from <= \(low) AND (a.valid_to IS NULL OR a.valid_to > \(low))
            LEFT JOIN object_versions b ON b.tenant_id = \(tenantID) AND b.type = t.type AND b.object_id = t.object_id
                 AND b.valid_from <= \(high) AND (b.valid_to IS NULL OR b.valid_to > \(high))
            WHERE a.blob_id IS DISTINCT FROM b.blob_id
            ORDER BY t.type, t.object_id
            """, logger: logger)
        return try rows.map { row in
            let lowBlob = try row.decode(String?.self, "low_blob").flatMap(BlobID.init(hex:))
            let highBlob = try row.decode(String?.self, "high_blob").flatMap(BlobID.init(hex:))
            return VersionChange(type: try row.decode(String.self, "type"), objectID: try row.decode(String.self, "object_id"),
                                 before: from < to ? lowBlob : highBlob, after: from < to ? highBlob : lowBlob)
        }
    }
}
