import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Vault

/// `holdfast snapshots list|show TENANT`, `holdfast snapshots hold|release|delete ID`.
struct SnapshotsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots",
        abstract: "List and inspect a tenant's committed snapshots.",
        subcommands: [List.self, Show.self, Hold.self, Release.self, Delete.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List TENANT's snapshots, newest first.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The tenant id.") var tenant: String
        @Option(help: "Most snapshots shown.") var limit = 50

        func validate() throws { _ = try tenantID(tenant) }

        func run() async throws {
            let snapshots = try await common.withRuntime(label: "holdfast.snapshots") { runtime in
                try await runtime.vault().snapshots(tenantID: try tenantID(tenant), limit: limit)
            }
            print("ID        COMMITTED (UTC)       KIND         STATUS    OBJECTS   CHANGED  NEW BLOBS   BYTES ADDED  MISSING")
            for snapshot in snapshots {
                print([
                    String(snapshot.id).padding(8), SnapshotFormatting.date(snapshot.committedAt).padding(20),
                    snapshot.kind.rawValue.padding(11), snapshot.status.rawValue.padding(8), String(snapshot.objectCount).padding(8),
                    String(snapshot.changedCount).padding(7), String(snapshot.newBlobs).padding(10), String(snapshot.bytesAdded).padding(12),
                    snapshot.missingTypes.map(\.type).joined(separator: ","),
                ].joined(separator: "  "))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one snapshot of TENANT (the newest unless --id), and verify it with --verify.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The tenant id.") var tenant: String
        @Option(help: "The snapshot id (default: the newest).") var id: Int64?
        @Flag(help: "Recompute the root hash and open every blob (invariant 4).") var verify = false

        func validate() throws { _ = try tenantID(tenant) }

        func run() async throws {
            let tenantID = try tenantID(tenant)
            try await common.withRuntime(label: "holdfast.snapshots") { runtime in
                let vault = try runtime.vault()
                let snapshot: SnapshotSummary
                if let id {
                    snapshot = try await vault.snapshot(id: id)
                    guard snapshot.tenantID == tenantID else { throw ValidationError("snapshot \(id) is not one of tenant \(tenant)'s") }
                } else {
                    guard let newest = try await vault.snapshots(tenantID: tenantID, limit: 1).first else {
                        throw ValidationError("tenant \(tenant) has no snapshot yet")
                    }
                    snapshot = newest
                }
                print("Snapshot \(snapshot.id) of tenant \(snapshot.tenantID.uuidString.lowercased())")
                print("  job:           \(snapshot.jobID.map(String.init) ?? "-")")
                print("  kind, status:  \(snapshot.kind.rawValue), \(snapshot.status.rawValue)")
                print("  started:       \(SnapshotFormatting.date(snapshot.startedAt))")
                print("  committed:     \(SnapshotFormatting.date(snapshot.committedAt)) (\(snapshot.durationMilliseconds) ms)")
                print("  objects:       \(snapshot.objectCount) (\(snapshot.changedCount) versions opened or closed)")
                print("  new blobs:     \(snapshot.newBlobs) (\(snapshot.bytesAdded) bytes)")
                print("  root hash:     \(snapshot.rootHash) (data key \(snapshot.dataKeyID))")
                print("  delta links:   \(snapshot.deltaLinks.keys.sorted().joined(separator: ", "))")
                for missing in snapshot.missingTypes {
                    print("  MISSING \(missing.type): \(missing.code): \(missing.reason)")
                }
                if verify {
                    let result = try await vault.verify(snapshotID: snapshot.id)
                    print("  verification:  \(result.passed ? "passed" : "FAILED"): \(result.objects) objects, root hash \(result.rootHashMatches ? "matches" : "DOES NOT MATCH")")
                    for (object, code) in result.failures.sorted(by: { $0.key < $1.key }) { print("    \(object): \(code)") }
                    if !result.passed { throw ExitCode(2) }
                }
            }
        }
    }
}

enum SnapshotFormatting {
    static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

extension String {
    func padding(_ width: Int) -> String {
        self.count >= width ? self : self + String(repeating: " ", count: width - self.count)
    }
}
