import Foundation
import HoldfastTesting
import Postgres
import Testing

@Suite("Postgres restart", .serialized)
struct PostgresRestartTests {
    @Test("after the server restarts, pooled queries and LISTEN work again")
    func restart() async throws {
        let cluster = try await TestCluster.started()
        defer { cluster.destroy() }
        let client = PostgresClient(configuration: PostgresConfiguration(connectionString: cluster.connectionString, maxConnections: 4),
                                    logger: TestLogger.make())
        // Fill the pool with idle sessions that the restart will kill.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 { group.addTask { try await client.query("SELECT pg_sleep(0.05)") } }
            try await group.waitForAll()
        }
        let events = client.listen(to: ["restart_test"])
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .listening)

        try cluster.restart()

        try await Task.sleep(for: .milliseconds(400)) // idle long enough to be checked before reuse
        for _ in 0..<8 {
            let one = try await client.query("SELECT 1 AS one").first?.decode(Int.self, "one")
            #expect(one == 1)
        }
        // The listener reports the broken session (once per failed attempt while the server is
        // down), then reconnects on its own and reports that.
        #expect(await iterator.next() == .disconnected)
        var next = await iterator.next()
        while next == .disconnected { next = await iterator.next() }
        #expect(next == .listening)
        try await client.query("SELECT pg_notify('restart_test', 'after')")
        guard case .notification(let note)? = await iterator.next() else {
            Issue.record("no notification after restart")
            return
        }
        #expect(note.payload == "after")
        await client.shutdown()
    }

    @Test("a statement interrupted by the server going away reports connectionLost, and the next one reconnects")
    func interrupted() async throws {
        let cluster = try await TestCluster.started()
        defer { cluster.destroy() }
        let client = PostgresClient(configuration: PostgresConfiguration(connectionString: cluster.connectionString, maxConnections: 2),
                                    logger: TestLogger.make())
        let long = Task { try await client.query("SELECT pg_sleep(20)") }
        try await Task.sleep(for: .milliseconds(300))
        try cluster.restart()
        let result = await long.result
        guard case .failure(let error as PostgresError) = result else {
            Issue.record("expected failure, got \(result)")
            await client.shutdown()
            return
        }
        #expect(error.isTransientConnectionError)
        let one = try await client.query("SELECT 1 AS one").first?.decode(Int.self, "one")
        #expect(one == 1)
        await client.shutdown()
    }
}
