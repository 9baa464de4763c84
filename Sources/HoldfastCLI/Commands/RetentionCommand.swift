import ArgumentParser
import HoldfastRuntime
import Foundation
import Jobs
import Logging

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

        func validate() throws {
            _ = try tenantID(tenant)
            guard limit > 0 else { throw ValidationError("--limit must be at least 1 (got \(limit)).") }
        }

        func run() async throws {
            let runs = try await common.withRuntime(label: "holdfast.retention") { runtime in
                try await RetentionRunRecord.list(tenantID: try tenantID(tenant), limit: limit, client: runtime.postgres)
            }
            print("ID      POLICY          FINISHED (UTC)        KEPT  DELETED  PROTECTED  VERSIONS REMOVED  BLOBS FREED  BYTES FREED")
            for run in runs {
                print([String(run.id).padding(6), run.policyName.padding(14), SnapshotFormatting.date(run.finishedAt).padding(20),
                       String(run.snapshotsKept).padding(4), String(run.deleted).padding(7), String(run.protected).padding(9),
                       String(run.versionsRemoved).padding(16), String(run.blobsDeleted).padding(11), String(run.bytesFreed)]
                    .joined(separator: "  "))
            }
        }
    }
}
