import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Postgres

/// `holdfast retention runs TENANT`: what retention deleted, protected and freed.
struct RetentionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Show what retention runs deleted and freed (enqueue a run with `holdfast jobs enqueue --kind retention --tenant ID`).",
        subcommands: [Runs.self]
    )

    struct Runs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List TENANT's retention runs, newest first.")

        @OptionGroup var common: CommonOptions
        @Argument(help: "The tenant id.") var tenant: String
        @Option(help: "Most runs shown.") var limit = 20

        func validate() throws { _ = try tenantID(tenant) }

        func run() async throws {
            let rows = try await common.withRuntime(label: "holdfast.retention") { runtime in
                try await runtime.postgres.query("""
                    SELECT id, policy_name, finished_at, snapshots_kept, jsonb_array_length(deleted) AS deleted,
                           jsonb_array_length(protected) AS protected, versions_removed, blobs_deleted, bytes_freed
                    FROM retention_runs WHERE tenant_id = \(try tenantID(tenant)) ORDER BY id DESC LIMIT \(limit)
                    """).rows
            }
            print("ID      POLICY          FINISHED (UTC)        KEPT  DELETED  PROTECTED  VERSIONS REMOVED  BLOBS FREED  BYTES FREED")
            for row in rows {
                print([String(try row.decode(Int64.self, "id")).padding(6), try row.decode(String.self, "policy_name").padding(14),
                       SnapshotFormatting.date(try row.decode(Date.self, "finished_at")).padding(20),
                       String(try row.decode(Int.self, "snapshots_kept")).padding(4), String(try row.decode(Int.self, "deleted")).padding(7),
                       String(try row.decode(Int.self, "protected")).padding(9), String(try row.decode(Int64.self, "versions_removed")).padding(16),
                       String(try row.decode(Int64.self, "blobs_deleted")).padding(11), String(try row.decode(Int64.self, "bytes_freed"))]
                    .joined(separator: "  "))
            }
        }
    }
}
