import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Vault

/// `holdfast snapshots hold|release|delete ID`: legal hold per snapshot and deletion by hand,
/// with the same guards retention obeys (held, immutable and newest snapshots are refused).
extension SnapshotsCommand {
    /// What every command changing one snapshot takes.
    struct ChangeOptions: ParsableArguments {
        @OptionGroup var common: CommonOptions
        @OptionGroup var actor: AuditActorOptions
        @Argument(help: "The snapshot id.") var id: Int64

        /// Runs `body` with a vault, turning refusals into a clear message and exit code 1.
        func perform<T: Sendable>(_ body: (Vault, Int64, String) async throws -> T) async throws -> T {
            do {
                return try await common.withRuntime(label: "holdfast.snapshots", [actor]) {
                    try await body(try $0.vault(), id, $0.configuration.actor)
                }
            } catch let error as VaultError {
                FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
                throw ExitCode.failure
            }
        }
    }

    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Place snapshot ID under legal hold (audited).")

        @OptionGroup var options: ChangeOptions
        @OptionGroup var reason: ReasonOptions

        func run() async throws {
            try await options.perform { try await $0.holdSnapshot(id: $1, reason: reason.reason, actor: $2) }
            print("snapshot \(options.id) is under legal hold: \(reason.reason)")
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release snapshot ID's legal hold (audited).")

        @OptionGroup var options: ChangeOptions

        func run() async throws {
            try await options.perform { try await $0.releaseSnapshot(id: $1, actor: $2) }
            print("snapshot \(options.id)'s legal hold is released")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete snapshot ID (audited); refused under legal hold, inside the immutability window, or for the newest (good) snapshot.",
            discussion: "Other snapshots read back exactly as before. Blobs are freed by the next retention run's garbage collection.")

        @OptionGroup var options: ChangeOptions
        @OptionGroup var reason: ReasonOptions

        func run() async throws {
            let deletion = try await options.perform { try await $0.deleteSnapshot(id: $1, actor: $2, reason: reason.reason) }
            print("snapshot \(options.id) deleted: \(deletion.versionsRemoved) versions removed, \(deletion.versionsAdjusted) adjusted")
        }
    }
}
