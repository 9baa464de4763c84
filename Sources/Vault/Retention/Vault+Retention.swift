public import Foundation
import Postgres
import Audit

extension Vault {
    /// What deleting one snapshot did to the map.
    public struct SnapshotDeletion: Sendable, Hashable, Codable {
        public var snapshotID: Int64
        public var committedAt: Date
        /// Versions live only at the deleted snapshot, removed.
        public var versionsRemoved: Int
        /// Versions whose range started or ended at it, moved to the next snapshot.
        public var versionsAdjusted: Int
    }

    /// Places a legal hold on one snapshot: nobody can delete it until it is released. Audited.
    public func holdSnapshot(id: Int64, reason: String, actor: String) async throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw VaultError(.legalHold, "a legal hold needs a reason (a case or ticket reference)") }
        try await self.setHold(id: id, held: true, reason: reason, actor: actor)
    }

    /// Releases a snapshot's legal hold. Audited.
    public func releaseSnapshot(id: Int64, actor: String) async throws {
        try await self.setHold(id: id, held: false, reason: nil, actor: actor)
    }

    private func setHold(id: Int64, held: Bool, reason: String?, actor: String) async throws {
        try await self.client.withTransaction { connection in
            guard let row = try await connection.query("""
                UPDATE snapshots SET legal_hold = \(held), legal_hold_reason = \(reason) WHERE id = \(id) RETURNING tenant_id
                """).first else {
                throw VaultError(.notFound, "no snapshot has id \(id)")
            }
            try await AuditLog.record(actor: actor, action: held ? "snapshot.legal_hold" : "snapshot.legal_hold_release",
                                      tenantID: try row.decode(UUID.self, "tenant_id"),
                                      details: ["snapshot_id": "\(id)", "reason": reason ?? ""], on: connection)
        }
        self.logger.notice(held ? "snapshot placed under legal hold" : "snapshot legal hold released", metadata: ["snapshot.id": "\(id)"])
    }

    /// Whether a snapshot is under legal hold, and why.
    public func legalHold(snapshotID: Int64) async throws -> (held: Bool, reason: String?) {
        guard let row = try await self.client.query("SELECT legal_hold, legal_hold_reason FROM snapshots WHERE id = \(snapshotID)").first else {
            throw VaultError(.notFound, "no snapshot has id \(snapshotID)")
        }
        return (try row.decode(Bool.self, "legal_hold"), try row.decode(String?.self, "legal_hold_reason"))
    }

    /// Deletes one snapshot, keeping every other snapshot of the tenant readable exactly as before:
    /// versions live only at it are removed, ranges that start or end at it move to the next
    /// snapshot. Refused (``VaultError/Code/legalHold``, ``VaultError/Code/immutable``,
    /// ``VaultError/Code/newestSnapshot``, ``VaultError/Code/pendingRestore``) for a held snapshot
    /// or tenant, a snapshot inside the immutability window, the tenant's newest or newest good
    /// snapshot, and a snapshot a planned or applying restore plan restores from; the database's
    /// trigger refuses the same, so no client can bypass it. Blobs are left to garbage collection.
    /// Audited.
    public func deleteSnapshot(id: Int64, actor: String, reason: String) async throws -> SnapshotDeletion {
        do {
            let deletion = try await self.client.withTransaction { connection -> SnapshotDeletion in
                guard let tenantRow = try await connection.query("SELECT tenant_id FROM snapshots WHERE id = \(id)").first else {
                    throw VaultError(.notFound, "no snapshot has id \(id)")
                }
                let tenantID = try tenantRow.decode(UUID.self, "tenant_id")
                // Serialises with backup commits, which lock the tenant row too.
                try await connection.query("SELECT 1 FROM tenants WHERE id = \(tenantID) FOR UPDATE")
                let row = try await connection.query("""
                    SELECT s.committed_at, s.legal_hold, s.legal_hold_reason, t.legal_hold AS tenant_hold, t.legal_hold_reason AS tenant_reason,
                           s.committed_at > now() - tenant_immutability_window(t.id) AS immutable,
                           (SELECT min(n.id) FROM snapshots n WHERE n.tenant_id = t.id AND n.id > s.id) AS next,
                           snapshot_is_good(s) AND NOT EXISTS (SELECT 1 FROM snapshots n WHERE n.tenant_id = t.id AND n.id > s.id
                                                                 AND snapshot_is_good(n)) AS newest_good,
                           snapshot_pending_restore_plan(s.id) AS restore_plan
                    FROM snapshots s JOIN tenants t ON t.id = s.tenant_id WHERE s.id = \(id) FOR UPDATE OF s
                    """).first!
                if try row.decode(Bool.self, "legal_hold") {
                    throw VaultError(.legalHold, "snapshot \(id) is under legal hold (\(try row.decode(String?.self, "legal_hold_reason") ?? "")); release it first")
                }
                if try row.decode(Bool.self, "tenant_hold") {
                    throw VaultError(.legalHold, "tenant \(tenantID.uuidString.lowercased()) is under legal hold (\(try row.decode(String?.self, "tenant_reason") ?? "")); no snapshot of it can be deleted")
                }
                if try row.decode(Bool.self, "immutable") {
                    throw VaultError(.immutable, "snapshot \(id) is inside its policy's immutability window; nobody can delete it yet")
                }
                guard let next = try row.decode(Int64?.self, "next") else {
                    throw VaultError(.newestSnapshot, "snapshot \(id) is the newest of its tenant; the next backup builds on it")
                }
                if try row.decode(Bool.self, "newest_good") {
                    throw VaultError(.newestSnapshot, "snapshot \(id) is the newest good snapshot of its tenant (invariant 8)")
                }
                if let plan = try row.decode(UUID?.self, "restore_plan") {
                    let planID = plan.uuidString.lowercased()
                    throw VaultError(.pendingRestore, "snapshot \(id) is the source of restore plan \(planID), which is not applied yet; apply it (holdfast restore apply \(planID)) or discard it (holdfast restore discard \(planID) --reason …), then delete the snapshot")
                }
                let committedAt = try row.decode(Date.self, "committed_at")

                // Live only at this snapshot: [id, valid_to) holds no other snapshot of the tenant.
                let removed = try await connection.query("""
                    DELETE FROM object_versions WHERE tenant_id = \(tenantID) AND valid_from = \(id) AND valid_to <= \(next)
                    """).affectedRows
                let movedStart = try await connection.query("""
                    UPDATE object_versions SET valid_from = \(next) WHERE tenant_id = \(tenantID) AND valid_from = \(id)
                    """).affectedRows
                let movedEnd = try await connection.query("""
                    UPDATE object_versions SET valid_to = \(next) WHERE tenant_id = \(tenantID) AND valid_to = \(id)
                    """).affectedRows
                try await connection.query("DELETE FROM snapshots WHERE id = \(id)")
                try await AuditLog.record(actor: actor, action: "snapshot.delete", tenantID: tenantID,
                                          details: ["snapshot_id": "\(id)", "reason": reason, "versions_removed": "\(removed)",
                                                    "versions_adjusted": "\(movedStart + movedEnd)"], on: connection)
                return SnapshotDeletion(snapshotID: id, committedAt: committedAt, versionsRemoved: removed,
                                        versionsAdjusted: movedStart + movedEnd)
            }
            self.logger.info("snapshot deleted", metadata: [
                "snapshot.id": "\(id)", "snapshot.versions_removed": "\(deletion.versionsRemoved)",
                "snapshot.versions_adjusted": "\(deletion.versionsAdjusted)",
            ])
            return deletion
        } catch let error as PostgresError {
            throw Self.guardError(error) ?? error
        }
    }

    /// The vault error for a refusal raised by the `snapshots_guard_delete` trigger.
    static func guardError(_ error: PostgresError) -> VaultError? {
        switch error.sqlState {
        case "HF001", "HF002": VaultError(.legalHold, "the database refused: \(error.message)", underlying: error)
        case "HF003": VaultError(.immutable, "the database refused: \(error.message)", underlying: error)
        case "HF004", "HF005": VaultError(.newestSnapshot, "the database refused: \(error.message)", underlying: error)
        case "HF007": VaultError(.pendingRestore, "the database refused: \(error.message)", underlying: error)
        default: nil
        }
    }
}
