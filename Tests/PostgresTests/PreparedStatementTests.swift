import HoldfastTesting
import Postgres
import Testing

@Suite("Prepared statements")
struct PreparedStatementTests {
    @Test("a prepared query runs with new parameters each time, on every pooled connection, next to unprepared ones")
    func reuse() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false, maxConnections: 3) { schema in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for value in 0..<30 {
                    group.addTask {
                        let query: PostgresQuery = "SELECT \(value)::int + 1 AS next, \(String(value))::text AS text"
                        let row = try #require(try await schema.client.query(query.prepared()).first)
                        #expect(try row.decode(Int.self, "next") == value + 1)
                        #expect(try row.decode(String.self, "text") == String(value))
                        let plain = try await schema.client.query("SELECT \(value)::int AS same").first?.decode(Int.self, "same")
                        #expect(plain == value)
                    }
                }
                try await group.waitForAll()
            }
            // One session prepares a statement once, however often it runs it.
            let named = try await schema.client.withConnection { connection -> Int? in
                for value in 0..<3 {
                    let query: PostgresQuery = "SELECT \(value)::int AS v"
                    _ = try await connection.query(query.prepared())
                }
                return try await connection.query("SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE 'SELECT $1::int AS v%'")
                    .first?.decode(Int.self, "n")
            }
            #expect(named == 1)
        }
    }

    @Test("a prepared statement that fails reports its SQLSTATE and the connection stays usable")
    func failure() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false, maxConnections: 1) { schema in
            let bad: PostgresQuery = "SELECT 1 / \(0)::int AS x"
            await #expect(throws: PostgresError.self) { try await schema.client.query(bad.prepared()) }
            let good: PostgresQuery = "SELECT \(2)::int AS x"
            let value = try await schema.client.query(good.prepared()).first?.decode(Int.self, "x")
            #expect(value == 2)
        }
    }
}
