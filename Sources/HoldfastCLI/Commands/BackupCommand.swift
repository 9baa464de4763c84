import ArgumentParser
import HoldfastRuntime
import Foundation
import Jobs
import Logging
import Queue

/// `holdfast backup run TENANT`: enqueue a backup now.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up tenants.",
        subcommands: [Run.self]
    )

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enqueue a backup of TENANT now; a worker runs it (see `holdfast jobs show`).")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The tenant id.") var tenant: String

        @Flag(help: "Re-read every type in full instead of through delta.") var full = false

        func validate() throws { _ = try tenantID(tenant) }

        func run() async throws {
            let id = try tenantID(tenant)
            // One pending manual backup per tenant: running the command twice does not queue two.
            let request = try EnqueueRequest(BackupJobHandler.Arguments(full: self.full ? true : nil), tenantID: id,
                                             priority: QueuePriority.manualBackup, uniqueKey: "backup:manual:\(id.uuidString.lowercased())")
            let result = try await common.withRuntime(label: "holdfast.backup") { runtime in
                try await runtime.enqueuer().enqueue(request)
            }
            if result.inserted {
                print("Enqueued backup job \(result.job.id) for tenant \(id.uuidString.lowercased()).")
            } else {
                print("Backup job \(result.job.id) of tenant \(id.uuidString.lowercased()) is already pending.")
            }
        }
    }
}
