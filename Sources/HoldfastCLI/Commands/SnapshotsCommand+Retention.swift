import ArgumentParser
import Foundation
import Logging
import Vault

/// `holdfast snapshots hold|release|delete ID`: legal hold per snapshot and deletion by hand,
/// with the same guards retention obeys (held, immutable and newest snapshots are refused).
extension SnapshotsCommand {
    struct Hold: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Place snapshot ID under legal hold (audited).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var vault: VaultOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var reason: ReasonOptions
        @Argument(help: "The snapshot id.") var id: Int64

        func run() async throws {
            let logger = logging.makeLogger(label: "holdfast.snapshots")
            try await SnapshotsCommand.perform(database, vault, logger) { try await $0.holdSnapshot(id: id, reason: reason.reason, actor: actor.name) }
            print("snapshot \(id) is under legal hold: \(reason.reason)")
        }
    }

    struct Release: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release snapshot ID's legal hold (audited).")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var vault: VaultOptions
        @OptionGroup var actor: AuditActorOptions
        @Argument(help: "The snapshot id.") var id: Int64

        func run() async throws {
            let logger = logging.makeLogger(label: "holdfast.snapshots")
            try await SnapshotsCommand.perform(database, vault, logger) { try await $0.releaseSnapshot(id: id, actor: actor.name) }
            print("snapshot \(id)'s legal hold is released")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete snapshot ID (audited); refused under legal hold, inside the immutability window, or for the newest (good) snapshot.",
            discussion: "Other snapshots read back exactly as before. Blobs are freed by the next retention run's garbage collection.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var vault: VaultOptions
        @OptionGroup var actor: AuditActorOptions
        @OptionGroup var reason: ReasonOptions
        @Argument(help: "The snapshot id.") var id: Int64

        func run() async throws {
            let logger = logging.makeLogger(label: "holdfast.snapshots")
            let deletion = try await SnapshotsCommand.perform(database, vault, logger) {
                try await $0.deleteSnapshot(id: id, actor: actor.name, reason: reason.reason)
            }
            print("snapshot \(id) deleted: \(deletion.versionsRemoved) versions removed, \(deletion.versionsAdjusted) adjusted")
        }
    }

    /// Runs `body` with a vault, turning refusals into a clear message and exit code 1.
    static func perform<T: Sendable>(_ database: DatabaseOptions, _ options: VaultOptions, _ logger: Logger,
                                     _ body: (Vault) async throws -> T) async throws -> T {
        do {
            return try await database.withClient(logger: logger) { try await body(try options.makeVault(client: $0, logger: logger)) }
        } catch let error as VaultError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
    }
}
