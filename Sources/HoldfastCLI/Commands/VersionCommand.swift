import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Migrations
import Postgres

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
            let version = try await common.withRuntime(label: "holdfast.version") { runtime -> Int in
                let rows = try await runtime.postgres.query("SELECT coalesce(max(version), 0) AS version FROM schema_migrations")
                return try rows.first?.decode(Int.self, "version") ?? 0
            }
            print("schema version \(version)")
        } catch let error as PostgresError where error.sqlState == SQLState.undefinedTable {
            print("schema version 0 (database not migrated; run `holdfast migrate`)")
        } catch {
            print("schema version unknown (\(error))")
        }
    }
}
