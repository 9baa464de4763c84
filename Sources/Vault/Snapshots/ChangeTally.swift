import Foundation
import Postgres

/// The versions one snapshot opened and closed, read back through a cursor (10,000 rows in memory
/// at a time, whatever the snapshot's size): their counts, per type, and the root hash they move.
/// Both commit paths use it: from staging (opened and closed rows) and a pending snapshot (opened
/// rows only, hashed from zero).
struct ChangeTally: Sendable {
    /// The predecessor's root plus what opened, minus what closed; nil when not hashed.
    var root: RootHash?
    var opened: Int64 = 0
    var closed: Int64 = 0
    /// Per type: `{"opened": n, "closed": n}` (the snapshot row's `type_counts`).
    var typeCounts: [String: [String: Int]] = [:]

    /// Reads the versions `snapshotID` opened or closed. With `root`, moves it by them under the
    /// tenant's root key; without, only counts (the caller hashes the whole map instead).
    static func read(snapshotID: Int64, tenantID: UUID, from root: RootHash?, keys: TenantVaultKeys,
                     on connection: PostgresConnection) async throws -> ChangeTally {
        var tally = ChangeTally(root: root)
        let hasher = root == nil ? nil : RootHash.ElementHasher(keys: keys)
        try await Self.forEachRow(of: """
            SELECT type, object_id, blob_id, valid_from = \(snapshotID) AS opened FROM object_versions
            WHERE tenant_id = \(tenantID) AND (valid_from = \(snapshotID) OR valid_to = \(snapshotID))
            """, on: connection) { row in
            let type = try row.decode(String.self, "type")
            let objectID = try row.decode(String.self, "object_id")
            let blobID = BlobID(bytes: try row.decode(PostgresBytes.self, "blob_id").bytes)
            if try row.decode(Bool.self, "opened") {
                tally.opened += 1
                tally.typeCounts[type, default: [:]]["opened", default: 0] += 1
                if let hasher { tally.root?.add(type: type, objectID: objectID, blobID: blobID, hasher: hasher) }
            } else {
                tally.closed += 1
                tally.typeCounts[type, default: [:]]["closed", default: 0] += 1
                if let hasher { tally.root?.subtract(type: type, objectID: objectID, blobID: blobID, hasher: hasher) }
            }
        }
        return tally
    }

    /// Runs `query` as a cursor of the caller's transaction and hands each row to `body`,
    /// `batch` rows in memory at a time.
    private static func forEachRow(of query: PostgresQuery, batch: Int = 10_000, on connection: PostgresConnection,
                                   _ body: (PostgresRow) throws -> Void) async throws {
        var declare = query
        declare.sql = "DECLARE hf_change_tally NO SCROLL CURSOR FOR " + query.sql
        try await connection.query(declare)
        while true {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: "FETCH FORWARD \(batch) FROM hf_change_tally"))
            for row in rows { try body(row) }
            if rows.count < batch { break }
        }
        try await connection.query("CLOSE hf_change_tally")
    }
}
