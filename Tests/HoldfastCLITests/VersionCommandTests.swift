import Foundation
import HoldfastTesting
import Postgres
import Testing

/// `holdfast version` reads the schema version through the migrations' own record.
@Suite("holdfast version")
struct VersionCommandTests {
    static let binary = ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path

    @Test("a migrated database reports its newest applied migration; an empty one says to migrate")
    func schemaVersion() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let newest = try #require(try await schema.client.query("SELECT max(version) AS v FROM schema_migrations").first?.decode(Int.self, "v"))
            let migrated = try await ProcessRunner.capture(Self.binary, ["version", "--database-url", schema.connectionString])
            #expect(migrated.status == 0 && migrated.standardOutput.contains("schema version \(newest)\n"), "\(migrated.standardOutput)")
        }
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let empty = try await ProcessRunner.capture(Self.binary, ["version", "--database-url", schema.connectionString])
            #expect(empty.status == 0 && empty.standardOutput.contains("schema version 0 (database not migrated"), "\(empty.standardOutput)")
        }
    }
}
