import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Vault

/// `holdfast export SNAPSHOT --to DIR`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every object of a snapshot as plain JSON files (DIR/TYPE/ID.json), readable without Holdfast.")

    @OptionGroup var common: CommonOptions

    @Argument(help: "The snapshot id.") var snapshot: Int64
    @Option(name: .customLong("to"), help: "The directory to write into (created if missing).") var directory: String

    func run() async throws {
        let count = try await common.withRuntime(label: "holdfast.export") { runtime in
            try await runtime.vault().export(snapshotID: snapshot, to: URL(fileURLWithPath: directory))
        }
        print("Exported \(count) objects of snapshot \(snapshot) to \(directory).")
    }
}
