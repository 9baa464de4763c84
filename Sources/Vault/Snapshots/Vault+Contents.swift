public import Foundation
public import Logging
import Postgres

/// One catalogue type in a snapshot: its objects live there, and the versions the snapshot itself
/// opened (added or changed) and closed (changed or removed).
public struct SnapshotTypeCount: Sendable, Hashable {
    public var type: String
    public var objects: Int64
    public var opened: Int64
    public var closed: Int64
}

/// What a snapshot holds, for browsing it: per-type counts and the objects of a type in pages.
extension Vault {
    /// Per type, in type order: the objects live at `snapshot` (one indexed read of the tenant's
    /// map), and what the snapshot opened and closed (its row's `type_counts`). A type the snapshot
    /// emptied is listed with 0 objects.
    public func typeCounts(of snapshot: SnapshotSummary, logger: Logger? = nil) async throws -> [SnapshotTypeCount] {
        let logger = logger ?? self.logger
        var counts: [String: SnapshotTypeCount] = [:]
        for row in try await self.client.query("""
            SELECT type, count(*)::int8 AS objects FROM object_versions
            WHERE tenant_id = \(snapshot.tenantID) AND valid_from <= \(snapshot.id) AND (valid_to IS NULL OR valid_to > \(snapshot.id))
            GROUP BY type
            """, logger: logger) {
            let type = try row.decode(String.self, "type")
            counts[type] = SnapshotTypeCount(type: type, objects: try row.decode(Int64.self, "objects"), opened: 0, closed: 0)
        }
        guard let text = try await self.client.query("SELECT type_counts::text AS counts FROM snapshots WHERE id = \(snapshot.id)",
                                                     logger: logger).first.map({ try $0.decode(String.self, "counts") }) else {
            throw VaultError(.notFound, "no snapshot has id \(snapshot.id)")
        }
        let changed: [String: [String: Int64]]
        do {
            changed = try JSONDecoder().decode([String: [String: Int64]].self, from: Data(text.utf8))
        } catch {
            throw VaultError(.storage, "snapshot \(snapshot.id) holds malformed type counts", underlying: error)
        }
        for (type, tally) in changed {
            var count = counts[type] ?? SnapshotTypeCount(type: type, objects: 0, opened: 0, closed: 0)
            count.opened = tally["opened"] ?? 0
            count.closed = tally["closed"] ?? 0
            counts[type] = count
        }
        return counts.values.sorted { $0.type < $1.type }
    }

    /// Up to `limit` objects of `type` live at `snapshotID`, in object id order, after `after`
    /// (keyset paging through the map's primary key).
    public func objects(tenantID: UUID, type: String, at snapshotID: Int64, after: String? = nil, limit: Int,
                        logger: Logger? = nil) async throws -> [ObjectVersion] {
        let logger = logger ?? self.logger
        return try await self.client.query("""
            SELECT v.type, v.object_id, encode(v.blob_id, 'hex') AS blob, v.valid_from, v.valid_to, s.committed_at
            FROM object_versions v JOIN snapshots s ON s.id = v.valid_from
            WHERE v.tenant_id = \(tenantID) AND v.type = \(type) AND v.object_id > \(after ?? "")
              AND v.valid_from <= \(snapshotID) AND (v.valid_to IS NULL OR v.valid_to > \(snapshotID))
            ORDER BY v.object_id LIMIT \(limit)
            """, logger: logger).map(Self.decodeVersion)
    }

    /// The canonical JSON of each version, in order, reading up to `width` blobs at once (each
    /// authenticated and checked against its id, as ``read(_:tenantID:logger:)`` does).
    public func read(_ versions: [ObjectVersion], tenantID: UUID, width: Int = 8, logger: Logger? = nil) async throws -> [[UInt8]] {
        let logger = logger ?? self.logger
        var results = [[UInt8]](repeating: [], count: versions.count)
        try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            var next = 0
            func start() {
                let index = next
                let blob = versions[index].blobID
                group.addTask { (index, try await self.read(blob, tenantID: tenantID, logger: logger)) }
                next += 1
            }
            while next < min(max(1, width), versions.count) { start() }
            while let (index, bytes) = try await group.next() {
                results[index] = bytes
                if next < versions.count { start() }
            }
        }
        return results
    }
}
