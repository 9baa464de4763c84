public import Foundation
public import Logging
public import Postgres

/// Reads what backups stored: snapshots, one object at any snapshot or time, an object's history,
/// and whole-snapshot verification and export. Every blob read is authenticated and checked
/// against its id, so a tampered blob is an error, never silently wrong data.
public struct Vault: Sendable {
    public let client: PostgresClient
    public let blobStore: any BlobStore
    public let keyProvider: any VaultKeyProvider
    let logger: Logger

    public init(client: PostgresClient, blobStore: any BlobStore, keyProvider: any VaultKeyProvider, logger: Logger) {
        self.client = client
        self.blobStore = blobStore
        self.keyProvider = keyProvider
        self.logger = logger
    }

    /// Starts a snapshot for `jobID` (see ``SnapshotWriter``), conditional on `claim` when the job
    /// runs from the queue. `logger`: the job's, so every statement and blob write of the snapshot
    /// logs with its metadata.
    public func beginSnapshot(tenantID: UUID, jobID: Int64, claim: (any SnapshotClaim)? = nil, logger: Logger? = nil) async throws -> SnapshotWriter {
        try await SnapshotWriter.begin(tenantID: tenantID, jobID: jobID, claim: claim, client: self.client, blobStore: self.blobStore,
                                       keyProvider: self.keyProvider, logger: logger ?? self.logger)
    }

    // MARK: Snapshots

    /// The tenant's snapshots, newest first; with `beforeID`, only older ones (the next page).
    public func snapshots(tenantID: UUID, limit: Int = 100, beforeID: Int64? = nil,
                          logger: Logger? = nil) async throws -> [SnapshotSummary] {
        let logger = logger ?? self.logger
        return try await self.client.query("""
            SELECT \(unescaped: SnapshotQueries.snapshotColumns) FROM snapshots
            WHERE tenant_id = \(tenantID) AND (\(beforeID)::bigint IS NULL OR id < \(beforeID)::bigint)
            ORDER BY id DESC LIMIT \(limit)
            """, logger: logger).map(SnapshotQueries.decode)
    }

    public func snapshot(id: Int64, logger: Logger? = nil) async throws -> SnapshotSummary {
        guard let snapshot = try await SnapshotQueries.snapshot(id: id, client: self.client, logger: logger ?? self.logger) else {
            throw VaultError(.notFound, "no snapshot has id \(id)")
        }
        return snapshot
    }

    /// The newest snapshot of the tenant committed at or before `date`.
    public func snapshot(tenantID: UUID, at date: Date, logger: Logger? = nil) async throws -> SnapshotSummary {
        let logger = logger ?? self.logger
        guard let row = try await self.client.query("""
            SELECT \(unescaped: SnapshotQueries.snapshotColumns) FROM snapshots
            WHERE tenant_id = \(tenantID) AND committed_at <= \(date) ORDER BY id DESC LIMIT 1
            """, logger: logger).first else {
            throw VaultError(.notFound, "tenant \(tenantID.uuidString.lowercased()) has no snapshot committed by \(date)")
        }
        return try SnapshotQueries.decode(row)
    }

    /// The delta links `snapshot` recorded, if their tag authenticates them under the tenant's key;
    /// otherwise none (logged), so the next backup reads every type in full. A database writer
    /// can then neither choose where the next backup's first request (and its token) goes, nor
    /// make it skip changes; rows from before links were tagged are treated the same way.
    public func trustedDeltaLinks(of snapshot: SnapshotSummary, logger: Logger? = nil) async throws -> [String: String] {
        guard !snapshot.deltaLinks.isEmpty else { return [:] }
        let logger = logger ?? self.logger
        let metadata: Logger.Metadata = ["tenant.id": "\(snapshot.tenantID)", "snapshot.id": "\(snapshot.id)"]
        guard let tag = snapshot.deltaLinksTag else {
            logger.notice("the previous snapshot's delta links carry no tag (written before they were authenticated); reading every type in full", metadata: metadata)
            return [:]
        }
        let keys = try await self.keyProvider.keys(tenantID: snapshot.tenantID, dataKeyID: snapshot.dataKeyID, logger: logger)
        guard keys.deltaLinksAreAuthentic(snapshot.deltaLinks, tag: tag) else {
            logger.error("the previous snapshot's delta links fail their authentication (changed in the database?); ignoring them and reading every type in full", metadata: metadata)
            return [:]
        }
        return snapshot.deltaLinks
    }

    // MARK: Objects

    /// The version of one object live at `snapshotID`, or nil if the object was absent then.
    public func version(tenantID: UUID, type: String, objectID: String, at snapshotID: Int64,
                        logger: Logger? = nil) async throws -> ObjectVersion? {
        let logger = logger ?? self.logger
        return try await self.client.query("""
            SELECT v.type, v.object_id, encode(v.blob_id, 'hex') AS blob, v.valid_from, v.valid_to, s.committed_at
            FROM object_versions v JOIN snapshots s ON s.id = v.valid_from
            WHERE v.tenant_id = \(tenantID) AND v.type = \(type) AND v.object_id = \(objectID)
              AND v.valid_from <= \(snapshotID) AND (v.valid_to IS NULL OR v.valid_to > \(snapshotID))
            """, logger: logger).first.map(Self.decodeVersion)
    }

    /// Every version of one object, oldest first.
    public func history(tenantID: UUID, type: String, objectID: String, logger: Logger? = nil) async throws -> [ObjectVersion] {
        let logger = logger ?? self.logger
        return try await self.client.query("""
            SELECT v.type, v.object_id, encode(v.blob_id, 'hex') AS blob, v.valid_from, v.valid_to, s.committed_at
            FROM object_versions v JOIN snapshots s ON s.id = v.valid_from
            WHERE v.tenant_id = \(tenantID) AND v.type = \(type) AND v.object_id = \(objectID)
            ORDER BY v.valid_from
            """, logger: logger).map(Self.decodeVersion)
    }

    /// How many objects of `type` the tenant's latest snapshot holds.
    public func currentCount(tenantID: UUID, type: String, logger: Logger? = nil) async throws -> Int {
        let logger = logger ?? self.logger
        return try await self.client.query("""
            SELECT count(*)::int8 AS n FROM object_versions
            WHERE tenant_id = \(tenantID) AND type = \(type) AND valid_to IS NULL
              AND valid_from <= (SELECT max(id) FROM snapshots WHERE tenant_id = \(tenantID))
            """, logger: logger).first.map { Int(try $0.decode(Int64.self, "n")) } ?? 0
    }

    /// One object's canonical JSON at `snapshotID`, or nil if it was absent.
    public func object(tenantID: UUID, type: String, objectID: String, at snapshotID: Int64,
                       logger: Logger? = nil) async throws -> [UInt8]? {
        guard let version = try await self.version(tenantID: tenantID, type: type, objectID: objectID, at: snapshotID,
                                                   logger: logger) else { return nil }
        return try await self.read(version.blobID, tenantID: tenantID, logger: logger)
    }

    /// A blob's canonical JSON, authenticated and checked against its id.
    public func read(_ id: BlobID, tenantID: UUID, logger: Logger? = nil) async throws -> [UInt8] {
        var keys: [String: TenantVaultKeys] = [:]
        return try await self.read(id, tenantID: tenantID, keys: &keys, logger: logger ?? self.logger)
    }

    /// Reads a blob, reusing (and filling) `keys` by data key id, so reading a whole snapshot
    /// unwraps each data key once.
    func read(_ id: BlobID, tenantID: UUID, keys: inout [String: TenantVaultKeys], logger: Logger) async throws -> [UInt8] {
        guard let sealed = try await self.blobStore.get(id, tenantID: tenantID, logger: logger) else {
            throw VaultError(.blobMissing, "blob \(id) of tenant \(tenantID.uuidString.lowercased()) is not in the blob store")
        }
        let dataKeyID = try SealedBlob.dataKeyID(of: sealed)
        if keys[dataKeyID] == nil {
            keys[dataKeyID] = try await self.keyProvider.keys(tenantID: tenantID, dataKeyID: dataKeyID, logger: logger)
        }
        return try SealedBlob.open(sealed, id: id, keys: keys[dataKeyID]!)
    }

    /// Every (type, object id, blob id) live at `snapshotID`, in pages of `pageSize`, to `body`.
    public func forEachEntry(of snapshot: SnapshotSummary, pageSize: Int = 1000, logger: Logger? = nil,
                             _ body: ([ObjectVersion]) async throws -> Void) async throws {
        let logger = logger ?? self.logger
        var after = ("", "")
        while true {
            let page = try await self.client.query("""
                SELECT v.type, v.object_id, encode(v.blob_id, 'hex') AS blob, v.valid_from, v.valid_to, s.committed_at
                FROM object_versions v JOIN snapshots s ON s.id = v.valid_from
                WHERE v.tenant_id = \(snapshot.tenantID) AND v.valid_from <= \(snapshot.id)
                  AND (v.valid_to IS NULL OR v.valid_to > \(snapshot.id)) AND (v.type, v.object_id) > (\(after.0), \(after.1))
                ORDER BY v.type, v.object_id LIMIT \(pageSize)
                """, logger: logger).map(Self.decodeVersion)
            if page.isEmpty { return }
            try await body(page)
            after = (page.last!.type, page.last!.objectID)
            if page.count < pageSize { return }
        }
    }

    static func decodeVersion(_ row: PostgresRow) throws -> ObjectVersion {
        guard let blob = BlobID(hex: try row.decode(String.self, "blob")) else {
            throw VaultError(.storage, "object_versions holds a malformed blob id")
        }
        return ObjectVersion(type: try row.decode(String.self, "type"), objectID: try row.decode(String.self, "object_id"),
                             blobID: blob, validFrom: try row.decode(Int64.self, "valid_from"),
                             validTo: try row.decode(Int64?.self, "valid_to"), committedAt: try row.decode(Date.self, "committed_at"))
    }
}
