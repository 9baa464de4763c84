import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing

@Suite("Enqueue")
struct EnqueueTests {
    @Test("a batch is inserted in one call and returned in request order; a future run time makes a job scheduled")
    func batch() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let enqueuer = JobEnqueuer(client: schema.client, logger: TestLogger.make(), checks: .unchecked)
            let tenant = UUID()
            let results = try await enqueuer.enqueue([
                EnqueueRequest(kind: .backup, tenantID: tenant, arguments: #"{"full":true}"#),
                EnqueueRequest(kind: .diagnostic, priority: 5),
                EnqueueRequest(kind: .retention, tenantID: tenant, runAt: Date().addingTimeInterval(3600)),
            ])
            #expect(results.map(\.job.kind) == [.backup, .diagnostic, .retention])
            #expect(results.allSatisfy { $0.inserted })
            #expect(results.map(\.job.state) == [.available, .available, .scheduled])
            #expect(results[0].job.tenantID == tenant)
            #expect(results[0].job.arguments.contains("full"))
            #expect(results[1].job.priority == 5)
            #expect(results[0].job.attempt == 0 && results[0].job.maxAttempts == 5)
            // Each insert is in the history.
            let events = try await schema.client.count("SELECT count(*) FROM job_events")
            #expect(events == 3)
        }
    }

    @Test("a duplicate unique key returns the pending job instead of failing, in a batch too; once finished the key is free")
    func uniqueKeys() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked)
            let tenant = UUID()
            let key = "backup:\(tenant)"
            let first = try await enqueuer.enqueue(EnqueueRequest(kind: .backup, tenantID: tenant, uniqueKey: key))
            let again = try await enqueuer.enqueue([
                EnqueueRequest(kind: .backup, tenantID: tenant, uniqueKey: key),
                EnqueueRequest(kind: .retention, tenantID: tenant, uniqueKey: "retention:\(tenant)"),
                EnqueueRequest(kind: .retention, tenantID: tenant, uniqueKey: "retention:\(tenant)"),
            ])
            #expect(first.inserted)
            #expect(again[0].job.id == first.job.id && !again[0].inserted)
            #expect(again[1].inserted && !again[2].inserted && again[1].job.id == again[2].job.id)
            #expect(try await schema.client.count("SELECT count(*) FROM jobs") == 2)

            // Still held while running; free once completed.
            let worker = UUID()
            let claimed = try await JobClaimer(client: schema.client, logger: logger).claim(workerID: worker, limit: 10, lease: .seconds(30), kinds: [.backup])
            #expect(claimed.map(\.id) == [first.job.id])
            #expect(try await enqueuer.enqueue(EnqueueRequest(kind: .backup, tenantID: tenant, uniqueKey: key)).inserted == false)
            try await JobCompleter(client: schema.client, logger: logger).complete([claimed[0].claim!])
            let next = try await enqueuer.enqueue(EnqueueRequest(kind: .backup, tenantID: tenant, uniqueKey: key))
            #expect(next.inserted && next.job.id != first.job.id)
        }
    }

    @Test("enqueue on the caller's connection commits or rolls back with the caller's transaction")
    func transactional() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let enqueuer = JobEnqueuer(client: schema.client, logger: TestLogger.make(), checks: .unchecked)
            struct Rollback: Error {}
            await #expect(throws: Rollback.self) {
                try await schema.client.withTransaction { connection in
                    try await connection.query("INSERT INTO tenants (display_name) VALUES ('Contoso')")
                    _ = try await enqueuer.enqueue([EnqueueRequest(kind: .backup)], on: connection)
                    throw Rollback()
                }
            }
            #expect(try await schema.client.count("SELECT count(*) FROM jobs") == 0)
            #expect(try await schema.client.count("SELECT count(*) FROM tenants") == 0)
            try await schema.client.withTransaction { connection in
                try await connection.query("INSERT INTO tenants (display_name) VALUES ('Contoso')")
                _ = try await enqueuer.enqueue([EnqueueRequest(kind: .backup)], on: connection)
            }
            #expect(try await schema.client.count("SELECT count(*) FROM jobs") == 1)
        }
    }

    @Test("a batch sends one NOTIFY, not one per job")
    func notifyOncePerStatement() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let events = schema.client.listen(to: [QueueChannel.jobsAvailable])
            var iterator = events.makeAsyncIterator()
            #expect(await iterator.next() == .listening)
            let enqueuer = JobEnqueuer(client: schema.client, logger: TestLogger.make(), checks: .unchecked)
            _ = try await enqueuer.enqueue((0..<500).map { _ in EnqueueRequest(kind: .diagnostic) })
            // A second statement's notification marks the end of the first one's.
            // The payload names the schema; other tests' schemas notify on the same channel.
            let marker = "marker-\(schema.name)"
            try await schema.client.query("SELECT pg_notify(\(QueueChannel.jobsAvailable), \(marker))")
            var payloads: [String] = []
            while let event = await iterator.next() {
                guard case .notification(let note) = event, [schema.name, marker].contains(note.payload) else { continue }
                payloads.append(note.payload)
                if note.payload == marker { break }
            }
            #expect(payloads == [schema.name, marker])
        }
    }
}
