public import Foundation
import Synchronization
public import Logging
import Postgres
import Queue
public import Tenancy
public import Vault

/// Applies a tenant's policy: plans (``RetentionPlan``), deletes each expired snapshot through the
/// vault (which refuses held, immutable, newest and pending-restore snapshots again, as does the
/// database), then garbage-collects the blobs nothing names any more, and records the run in
/// `retention_runs`.
public struct RetentionRun: Sendable {
    let vault: Vault
    let policies: PolicyStore
    let collector: BlobGarbageCollector
    let logger: Logger

    public init(vault: Vault, policies: PolicyStore, logger: Logger) {
        self.vault = vault
        self.policies = policies
        self.collector = BlobGarbageCollector(client: vault.client, blobStore: vault.blobStore, attempts: JobAttempts(), logger: logger)
        self.logger = logger
    }

    /// The run's actor in the audit log.
    public static let actor = "retention"

    public func run(tenantID: UUID, jobID: Int64?, now: Date,
                    progress: @escaping @Sendable (RetentionReport) async throws -> Void = { _ in }) async throws -> RetentionReport {
        let startedAt = Date()
        let policy = try await self.policies.policy(forTenant: tenantID)
        let hold = try await self.policies.legalHold(tenantID: tenantID)
        let rows = try await self.vault.client.query("""
            SELECT s.id, s.committed_at, s.legal_hold, snapshot_is_good(s) AS good,
                   snapshot_pending_restore_plan(s.id) IS NOT NULL AS pending_restore
            FROM snapshots s WHERE s.tenant_id = \(tenantID) ORDER BY s.id
            """)
        let snapshots = try rows.map {
            RetentionPlan.Snapshot(id: try $0.decode(Int64.self, "id"), committedAt: try $0.decode(Date.self, "committed_at"),
                                   good: try $0.decode(Bool.self, "good"), legalHold: try $0.decode(Bool.self, "legal_hold"),
                                   pendingRestore: try $0.decode(Bool.self, "pending_restore"))
        }
        let plan = RetentionPlan(snapshots: snapshots, rules: policy.retention, timeZone: TimeZone(identifier: policy.timezone) ?? .gmt,
                                 now: now, immutabilityWindow: policy.immutabilityWindow, tenantLegalHold: hold.held)
        var report = RetentionReport(tenantID: tenantID, policyName: policy.name, evaluatedAt: now, snapshotsKept: plan.kept.count,
                                     protected: plan.protected.map { .init(id: $0.key, reason: $0.value) }.sorted { $0.id < $1.id })
        report.phase = "deleting"
        try await progress(report)

        for id in plan.delete {
            try Task.checkCancellation()
            do {
                report.deleted.append(try await self.vault.deleteSnapshot(id: id, actor: Self.actor,
                                                                          reason: "expired under policy \(policy.name)"))
            } catch let error as VaultError where [.legalHold, .immutable, .newestSnapshot, .pendingRestore].contains(error.code) {
                // A hold placed, a validation failed or a restore planned since the plan, or the database's clock disagrees: keep it.
                let reason: RetentionPlan.Protection = switch error.code {
                case .legalHold: .legalHold
                case .immutable: .immutable
                case .pendingRestore: .restorePlan
                default: .newestGood
                }
                report.protected.append(.init(id: id, reason: reason))
            } catch let error as VaultError where error.code == .notFound {
                continue  // deleted by an operator meanwhile
            }
        }
        report.snapshotsKept = snapshots.count - report.deleted.count
        report.phase = "collecting"
        try await progress(report)
        let base = report
        // The collector reports after every page of blobs: written at most once a second.
        let lastReport = Mutex(Date.distantPast)
        report.garbage = try await self.collector.collect(tenantID: tenantID) { garbage in
            let now = Date()
            guard lastReport.withLock({ last in
                guard now.timeIntervalSince(last) >= 1 else { return false }
                last = now
                return true
            }) else { return }
            var update = base
            update.garbage = garbage
            try await progress(update)
        }
        report.phase = "done"
        try await self.record(report, jobID: jobID, startedAt: startedAt)
        try await progress(report)
        self.logger.info("retention applied", metadata: [
            "tenant.id": "\(tenantID.uuidString.lowercased())", "policy.name": "\(policy.name)",
            "retention.deleted": "\(report.deleted.count)", "retention.protected": "\(report.protected.count)",
            "gc.deleted": "\(report.garbage.blobsDeleted)", "gc.kept_locked": "\(report.garbage.blobsKeptLocked)",
            "gc.bytes_freed": "\(report.garbage.bytesFreed)", "gc.abandoned_pending": "\(report.garbage.abandonedPendingSnapshots)",
        ])
        return report
    }

    private func record(_ report: RetentionReport, jobID: Int64?, startedAt: Date) async throws {
        struct Deleted: Encodable { var id: Int64; var committed_at: Date }
        struct Protected: Encodable { var id: Int64; var reason: String }
        let deleted = try PostgresJSON(encoding: report.deleted.map { Deleted(id: $0.snapshotID, committed_at: $0.committedAt) })
        let protected = try PostgresJSON(encoding: report.protected.map { Protected(id: $0.id, reason: $0.reason.rawValue) })
        try await self.vault.client.query("""
            INSERT INTO retention_runs (tenant_id, job_id, policy_name, evaluated_at, started_at, finished_at, snapshots_kept, deleted,
                                        protected, versions_removed, versions_adjusted, blobs_deleted, bytes_freed)
            VALUES (\(report.tenantID), \(jobID), \(report.policyName), \(report.evaluatedAt), \(startedAt), now(), \(report.snapshotsKept),
                    \(deleted)::jsonb, \(protected)::jsonb, \(report.deleted.reduce(0) { $0 + $1.versionsRemoved }),
                    \(report.deleted.reduce(0) { $0 + $1.versionsAdjusted }), \(report.garbage.blobsDeleted), \(report.garbage.bytesFreed))
            """)
    }
}
