import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Migrations

/// `holdfast version`: this build's version and, when a database is reachable, its schema version.
struct VersionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "version", abstract: "Print Holdfast's version (and the database's schema version).")

    @OptionGroup var common: CommonOptions

    @Flag(name: .customLong("offline"), help: "Do not contact the database.")
    var offline = false

    func run() async throws {
        print("holdfast \(HoldfastVersion.current)")
        guard !offline else { return }
        do {
            // The migrations' own record of what is applied (empty before the first migration).
            let applied = try await common.withRuntime(label: "holdfast.version") { runtime in
                try await MigrationRunner(client: runtime.postgres, migrations: [], logger: runtime.logger).appliedVersions()
            }
            if let version = applied.max() {
                print("schema version \(version)")
            } else {
                print("schema version 0 (database not migrated; run `holdfast migrate`)")
            }
        } catch {
            print("schema version unknown (\(error))")
        }
    }
}
