public import Foundation
public import Logging
public import Postgres

/// Blobs in the `vault_blobs` table: the default back-end, needing nothing but PostgreSQL.
public struct PostgresBlobStore: BlobStore {
    public let client: PostgresClient
    /// Rows per INSERT: large enough to amortise round trips, small enough to keep statements short.
    public var batchSize: Int

    public init(client: PostgresClient, batchSize: Int = 200) {
        self.client = client
        self.batchSize = max(1, batchSize)
    }

    public func put(_ unordered: [(id: BlobID, sealed: [UInt8])], tenantID: UUID, logger: Logger) async throws -> Set<BlobID> {
        // In id order: two backups inserting overlapping blobs then wait on each other instead of
        // deadlocking.
        let blobs = unordered.sorted { $0.id < $1.id }
        var written = Set<BlobID>()
        var start = 0
        while start < blobs.count {
            let batch = blobs[start..<min(start + self.batchSize, blobs.count)]
            start += self.batchSize
            var sql = "INSERT INTO vault_blobs (tenant_id, blob_id, body) VALUES "
            var binds: [PostgresData] = [tenantID.postgresData]
            for (index, blob) in batch.enumerated() {
                if index > 0 { sql += ", " }
                sql += "($1, $\(binds.count + 1), $\(binds.count + 2))"
                binds.append(PostgresBytes(blob.id.bytes).postgresData)
                binds.append(PostgresBytes(blob.sealed).postgresData)
            }
            sql += " ON CONFLICT (tenant_id, blob_id) DO NOTHING RETURNING blob_id"
            let rows = try await self.client.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger)
            for row in rows {
                written.insert(BlobID(bytes: try row.decode(PostgresBytes.self, "blob_id").bytes))
            }
        }
        return written
    }

    public func get(_ id: BlobID, tenantID: UUID, logger: Logger) async throws -> [UInt8]? {
        let rows = try await self.client.query("""
            SELECT body FROM vault_blobs WHERE tenant_id = \(tenantID) AND blob_id = \(PostgresBytes(id.bytes))
            """, logger: logger)
        return try rows.first.map { try $0.decode(PostgresBytes.self, "body").bytes }
    }

    public func contains(_ ids: [BlobID], tenantID: UUID, logger: Logger) async throws -> Set<BlobID> {
        guard !ids.isEmpty else { return [] }
        let rows = try await self.client.query("""
            SELECT blob_id FROM vault_blobs
            WHERE tenant_id = \(tenantID) AND blob_id = ANY (SELECT decode(hex, 'hex') FROM unnest(\(ids.map(\.hex))::text[]) AS hex)
            """, logger: logger)
        return Set(try rows.map { BlobID(bytes: try $0.decode(PostgresBytes.self, "blob_id").bytes) })
    }

    @discardableResult
    public func delete(_ ids: [BlobID], tenantID: UUID, logger: Logger) async throws -> Set<BlobID> {
        guard !ids.isEmpty else { return [] }
        let rows = try await self.client.query("""
            DELETE FROM vault_blobs
            WHERE tenant_id = \(tenantID) AND blob_id = ANY (SELECT decode(hex, 'hex') FROM unnest(\(ids.map(\.hex))::text[]) AS hex)
            RETURNING blob_id
            """, logger: logger)
        return Set(try rows.map { BlobID(bytes: try $0.decode(PostgresBytes.self, "blob_id").bytes) })
    }

    public func list(tenantID: UUID, after: BlobID?, limit: Int, logger: Logger) async throws -> [BlobID] {
        let rows = try await self.client.query("""
            SELECT blob_id FROM vault_blobs
            WHERE tenant_id = \(tenantID) AND blob_id > \(PostgresBytes(after?.bytes ?? []))
            ORDER BY blob_id LIMIT \(limit)
            """, logger: logger)
        return try rows.map { BlobID(bytes: try $0.decode(PostgresBytes.self, "blob_id").bytes) }
    }
}
