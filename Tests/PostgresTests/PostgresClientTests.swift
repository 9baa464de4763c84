import Foundation
import HoldfastTesting
import Postgres
import Synchronization
import Testing

@Suite("Postgres client")
struct PostgresClientTests {
    @Test("a failing statement surfaces its SQLSTATE", arguments: [
        ("SELECT 1/0", SQLState.divisionByZero),
        ("SELEC 1", SQLState.syntaxError),
        ("SELECT * FROM no_such_table", SQLState.undefinedTable),
        ("SELECT 'x'::int", SQLState.invalidTextRepresentation),
    ])
    func sqlState(sql: String, expected: String) async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let error = await #expect(throws: PostgresError.self) {
                try await schema.client.query(PostgresQuery(unsafeSQL: sql))
            }
            #expect(error?.code == .server)
            #expect(error?.sqlState == expected)
            #expect(error?.description.contains("SQLSTATE \(expected)") == true)
        }
    }

    @Test("a unique violation names its constraint, and the connection stays usable")
    func uniqueViolation() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            try await schema.client.query("CREATE TABLE t (id int CONSTRAINT t_pkey PRIMARY KEY)")
            try await schema.client.query("INSERT INTO t VALUES (\(1))")
            let error = await #expect(throws: PostgresError.self) {
                try await schema.client.query("INSERT INTO t VALUES (\(1))")
            }
            #expect(error?.sqlState == SQLState.uniqueViolation)
            #expect(error?.constraint == "t_pkey")
            let count = try await schema.client.query("SELECT count(*) AS n FROM t").first?.decode(Int.self, "n")
            #expect(count == 1)
        }
    }

    @Test("a transaction rolls back when its body throws")
    func rollback() async throws {
        struct Abort: Error {}
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            try await schema.client.query("CREATE TABLE t (id int)")
            await #expect(throws: Abort.self) {
                try await schema.client.withTransaction { connection in
                    try await connection.query("INSERT INTO t VALUES (\(1))")
                    throw Abort()
                }
            }
            try await schema.client.withTransaction { connection in
                _ = try await connection.query("INSERT INTO t VALUES (\(2))")
            }
            let rows = try await schema.client.query("SELECT id FROM t")
            #expect(try rows.map { try $0.decode(Int.self, "id") } == [2])
        }
    }

    @Test("a connection returned inside an open transaction is rolled back, not leaked")
    func leakedTransaction() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false, maxConnections: 1) { schema in
            try await schema.client.query("CREATE TABLE t (id int)")
            try await schema.client.withConnection { connection in
                try await connection.executeScript("BEGIN")
                try await connection.query("INSERT INTO t VALUES (\(1))")
            }
            let count = try await schema.client.query("SELECT count(*) AS n FROM t").first?.decode(Int.self, "n")
            #expect(count == 0)
        }
    }

    @Test("a transaction whose task is cancelled is rolled back before its connection is pooled again")
    func cancelledTransaction() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false, maxConnections: 1) { schema in
            try await schema.client.query("CREATE TABLE t (id int)")
            let (inserted, signal) = AsyncStream<Void>.makeStream()
            let writer = Task {
                try await schema.client.withTransaction { connection in
                    try await connection.query("INSERT INTO t VALUES (\(1))")
                    signal.yield()
                    // Parked inside the transaction until cancelled: its ROLLBACK runs cancelled too.
                    try await Task.sleep(for: .seconds(600))
                }
            }
            for await _ in inserted { break }
            writer.cancel()
            _ = await writer.result
            // One connection: were it pooled inside the open transaction, this would see the row.
            let count = try await schema.client.query("SELECT count(*) AS n FROM t").first?.decode(Int.self, "n")
            #expect(count == 0)
            try await schema.client.query("INSERT INTO t VALUES (\(2))")
            #expect(try await schema.client.query("SELECT count(*) AS n FROM t").first?.decode(Int.self, "n") == 1)
        }
    }

    @Test("NOTIFY sent on one connection arrives on another's LISTEN")
    func notify() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let channel = "holdfast_test_\(schema.name)"
            let events = schema.client.listen(to: [channel])
            var iterator = events.makeAsyncIterator()
            #expect(await iterator.next() == .listening)
            try await schema.client.query("SELECT pg_notify(\(channel), \("payload-1"))")
            try await schema.client.query("SELECT pg_notify(\(channel), \("payload-2"))")
            guard case .notification(let first)? = await iterator.next(),
                  case .notification(let second)? = await iterator.next() else {
                Issue.record("expected two notifications")
                return
            }
            #expect(first.channel == channel)
            #expect([first.payload, second.payload] == ["payload-1", "payload-2"])
        }
    }

    @Test("the pool never hands out more connections than its bound under 200 concurrent tasks")
    func poolBound() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false, maxConnections: 5) { schema in
            let gauge = ConcurrencyGauge()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        try await schema.client.withConnection { connection in
                            gauge.enter()
                            defer { gauge.leave() }
                            try await connection.query("SELECT pg_sleep(0.002), \(index)::int")
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(gauge.peak <= 5)
            #expect(gauge.peak > 1, "tasks should have shared the pool concurrently")
            #expect(schema.client.openConnections <= 5)
        }
    }

    @Test("cancelling the task cancels the statement on the server")
    func cancellation() async throws {
        try await TestDatabase.withIsolatedSchema(migrated: false) { schema in
            let task = Task {
                try await schema.client.query("SELECT pg_sleep(30)")
            }
            // Cancel only once the statement is running on the server, however loaded the machine is.
            var running = false
            for _ in 0..<500 where !running {
                try await Task.sleep(for: .milliseconds(20))
                running = try await schema.client.query("""
                    SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query = 'SELECT pg_sleep(30)'
                      AND backend_type = 'client backend' AND pid <> pg_backend_pid()
                    """).first?.decode(Int.self, "n") ?? 0 > 0
            }
            #expect(running)
            task.cancel()
            let result = await task.result
            guard case .failure(let error as PostgresError) = result else {
                Issue.record("expected a PostgresError, got \(result)")
                return
            }
            #expect(error.sqlState == SQLState.queryCanceled)
            // The connection went back to the pool and still works.
            let one = try await schema.client.query("SELECT 1 AS one").first?.decode(Int.self, "one")
            #expect(one == 1)
        }
    }

    @Test("a wrong connection string fails with a clear message and no password in it")
    func badConnection() async throws {
        let port = try ProcessRunner.freeTCPPort()
        let client = PostgresClient(
            configuration: PostgresConfiguration(connectionString: "postgresql://holdfast:s3cret-pw@127.0.0.1:\(port)/x?connect_timeout=2"),
            logger: TestLogger.make()
        )
        let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
        #expect(error?.code == .connectionFailed)
        #expect(error?.description.contains("s3cret-pw") == false)
        #expect(error?.description.contains("127.0.0.1") == true)
        #expect(client.openConnections == 0)
        await client.shutdown()
    }
}

/// Counts how many tasks are inside a section at once, and the most there ever were.
final class ConcurrencyGauge: Sendable {
    private let current = Atomic<Int>(0)
    private let maximum = Atomic<Int>(0)
    func enter() {
        let now = current.add(1, ordering: .relaxed).newValue
        _ = maximum.max(now, ordering: .relaxed)
    }
    func leave() { current.subtract(1, ordering: .relaxed) }
    var peak: Int { maximum.load(ordering: .relaxed) }
}
