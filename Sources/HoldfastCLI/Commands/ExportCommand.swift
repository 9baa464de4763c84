import ArgumentParser
import Foundation
import Logging
import Vault

/// `holdfast export SNAPSHOT --to DIR`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every object of a snapshot as plain JSON files (DIR/TYPE/ID.json), readable without Holdfast.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var logging: LoggingOptions
    @OptionGroup var vault: VaultOptions

    @Argument(help: "The snapshot id.") var snapshot: Int64
    @Option(name: .customLong("to"), help: "The directory to write into (created if missing).") var directory: String

    func run() async throws {
        let logger = logging.makeLogger(label: "holdfast.export")
        let count = try await database.withClient(logger: logger) { client in
            try await vault.makeVault(client: client, logger: logger).export(snapshotID: snapshot, to: URL(fileURLWithPath: directory))
        }
        print("Exported \(count) objects of snapshot \(snapshot) to \(directory).")
    }
}
