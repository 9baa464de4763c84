import Audit
public import Cryptography
public import Logging
public import Postgres
import Foundation

/// Re-wraps every tenant data key still under an older master key with the ring's current key:
/// `holdfast keys rotate`.
///
/// Only data keys are decrypted and re-encrypted; secrets and blobs sealed with them are untouched,
/// so rotation costs one small row per tenant. Each batch is its own transaction and only rows not
/// yet under the current key are selected, so an interrupted run loses at most one uncommitted
/// batch and running it again continues where it stopped. Rows are taken with `SKIP LOCKED`, so
/// two rotations (or a rotation and onboarding) never wait on each other.
public struct MasterKeyRotation: Sendable {
    public let client: PostgresClient
    public let keyRing: MasterKeyRing
    public let batchSize: Int
    public let logger: Logger

    public init(client: PostgresClient, keyRing: MasterKeyRing, batchSize: Int = 500, logger: Logger) {
        precondition(batchSize > 0, "MasterKeyRotation.batchSize must be positive")
        self.client = client
        self.keyRing = keyRing
        self.batchSize = batchSize
        self.logger = logger
    }

    /// What a run did.
    public struct Report: Sendable, Hashable {
        /// Data keys re-wrapped by this run.
        public var rewrapped: Int
        /// Data keys still under an older key (others held by a concurrent run, when not zero).
        public var remaining: Int
        /// Master key ids still referenced; once only the current one is left, older keys can go.
        public var masterKeyIDsInUse: [String]
    }

    /// Records every older key of the ring as retired, so processes still running with one as
    /// their current key refuse to wrap new data keys under it from now on (and the current key
    /// as not retired: rotating back to a key makes it usable again).
    public func retirePreviousKeys() async throws {
        let currentID = self.keyRing.current.id
        let previousIDs = self.keyRing.ids.filter { $0 != currentID }
        try await self.client.withTransaction { connection in
            try await connection.query("DELETE FROM retired_master_keys WHERE master_key_id = \(currentID)")
            for id in previousIDs {
                try await connection.query("""
                    INSERT INTO retired_master_keys (master_key_id, retired_by) VALUES (\(id), \(currentID))
                    ON CONFLICT (master_key_id) DO NOTHING
                    """)
            }
        }
    }

    /// Re-wraps at most `batchSize` data keys in one transaction; returns how many.
    public func runOnce() async throws -> Int {
        let currentID = self.keyRing.current.id
        let count = try await self.client.withTransaction { connection -> Int in
            let rows = try await connection.query("""
                SELECT tenant_id, data_key_id, wrapped_key FROM tenant_data_keys
                WHERE master_key_id <> \(currentID)
                ORDER BY tenant_id, data_key_id
                LIMIT \(self.batchSize)
                FOR UPDATE SKIP LOCKED
                """)
            for row in rows {
                let tenantID = try row.decode(Foundation.UUID.self, "tenant_id")
                let wrapped = try WrappedDataKey(serialized: try row.decode(PostgresBytes.self, "wrapped_key").bytes)
                let rewrapped = try wrapped.rewrapped(tenantID: TenantDataKeyStore.aadTenantID(tenantID), keyRing: self.keyRing)
                try await connection.query("""
                    UPDATE tenant_data_keys
                    SET wrapped_key = \(PostgresBytes(rewrapped.serialized)), master_key_id = \(rewrapped.masterKeyID), rotated_at = now()
                    WHERE tenant_id = \(tenantID) AND data_key_id = \(wrapped.dataKeyID)
                    """)
            }
            return rows.count
        }
        if count > 0 {
            self.logger.info("re-wrapped data keys", metadata: ["keys.rewrapped": "\(count)", "keys.master_key_id": "\(currentID)"])
        }
        return count
    }

    /// Runs batches until none is left (or the task is cancelled, between batches).
    public func run() async throws -> Report {
        // First, so no data key is wrapped under an old key once this run has looked at the rows.
        try await self.retirePreviousKeys()
        var rewrapped = 0
        while true {
            try Task.checkCancellation()
            let count = try await self.runOnce()
            rewrapped += count
            if count < self.batchSize { break }
        }
        let report = Report(rewrapped: rewrapped, remaining: try await self.remaining(), masterKeyIDsInUse: try await self.masterKeyIDsInUse())
        try await self.client.withTransaction { connection in
            try await AuditLog.record(actor: "holdfast keys rotate", action: "keys.rotate",
                                      details: ["master_key_id": self.keyRing.current.id, "rewrapped": "\(report.rewrapped)",
                                                "remaining": "\(report.remaining)"], on: connection)
        }
        return report
    }

    /// Data keys not yet under the current master key.
    public func remaining() async throws -> Int {
        try await self.client.query("""
            SELECT count(*) AS n FROM tenant_data_keys WHERE master_key_id <> \(self.keyRing.current.id)
            """).first!.decode(Int.self, "n")
    }

    public func masterKeyIDsInUse() async throws -> [String] {
        try await self.client.query("SELECT DISTINCT master_key_id FROM tenant_data_keys ORDER BY 1")
            .rows.map { try $0.decode(String.self, "master_key_id") }
    }
}
