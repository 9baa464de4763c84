import Coordinator
import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing

@Suite("Maintenance and leader election")
struct MaintenanceTests {
    @Test("the promoter makes due scheduled jobs available and leaves future ones")
    func promote() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let enqueuer = JobEnqueuer(client: schema.client, logger: logger, checks: .unchecked)
            let soon = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, runAt: Date().addingTimeInterval(600))).job
            let later = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, runAt: Date().addingTimeInterval(7200))).job
            try await schema.client.query("UPDATE jobs SET run_at = now() - interval '1 second' WHERE id = \(soon.id)")
            #expect(try await ScheduledJobPromoter(client: schema.client, logger: logger).runOnce() == 1)
            #expect(try await schema.client.state(of: soon.id) == "available")
            #expect(try await schema.client.state(of: later.id) == "scheduled")
        }
    }

    @Test("the rescuer discards a job whose worker died on its last attempt, and cancels a job whose cancellation was pending")
    func rescueEdges() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
            let last = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, maxAttempts: 1)).job
            let cancelling = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic)).job
            _ = try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 2, lease: .seconds(30))
            _ = try await JobAdministrator(client: client, logger: logger).cancel(cancelling.id)
            try await client.expireLease(of: last.id)
            try await client.expireLease(of: cancelling.id)
            #expect(try await JobRescuer(client: client, logger: logger).runOnce() == 2)
            #expect(try await client.state(of: last.id) == "discarded")
            #expect(try await client.state(of: cancelling.id) == "cancelled")
        }
    }

    @Test("the pruner deletes finished jobs and history older than the retention, nothing else")
    func prune() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let client = schema.client
            let jobs = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked).enqueue((0..<3).map { _ in EnqueueRequest(kind: .diagnostic) })
            let claims = try await JobClaimer(client: client, logger: logger).claim(workerID: UUID(), limit: 2, lease: .seconds(30)).compactMap(\.claim)
            try await JobCompleter(client: client, logger: logger).complete(claims)
            let old = claims[0].jobID
            try await client.query("UPDATE jobs SET finalized_at = now() - interval '8 days' WHERE id = \(old)")
            try await client.query("UPDATE job_events SET at = now() - interval '8 days' WHERE job_id = \(old)")
            let pruned = try await JobPruner(client: client, retention: .seconds(7 * 86_400), logger: logger).runOnce()
            #expect(pruned == 1 + 3)  // the job and its three events
            #expect(try await client.count("SELECT count(*) FROM jobs") == 2)
            #expect(try await client.count("SELECT count(*) FROM job_events WHERE job_id = \(old)") == 0)
            #expect(jobs.count == 3)
        }
    }

    @Test("autovacuum is tuned on the jobs table")
    func autovacuum() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let options = try await schema.client.query("""
                SELECT array_to_string(reloptions, ',') AS options FROM pg_class
                WHERE relname = 'jobs' AND relnamespace = \(schema.name)::regnamespace
                """).first!.decode(String.self, "options")
            #expect(options.contains("autovacuum_vacuum_scale_factor=0.01"))
        }
    }

    @Test("one leader at a time: the lease is renewed by its holder, refused to others, and taken over once it expires")
    func leaderLease() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let logger = TestLogger.make()
            let first = LeaderElector(client: schema.client, candidateID: UUID(), ttl: .seconds(30), logger: logger)
            let second = LeaderElector(client: schema.client, candidateID: UUID(), ttl: .seconds(30), logger: logger)
            #expect(try await first.acquireOrRenew())
            #expect(try await second.acquireOrRenew() == false)
            #expect(try await first.acquireOrRenew())
            #expect(try await second.currentLeader()?.holderID == first.candidateID)
            // The holder stopped renewing and its lease ran out.
            try await schema.client.query("UPDATE leader_leases SET expires_at = now() - interval '1 second'")
            #expect(try await second.acquireOrRenew())
            #expect(try await first.acquireOrRenew() == false)
            try await second.resign()
            #expect(try await first.currentLeader() == nil)
            #expect(try await first.acquireOrRenew())
        }
    }
}

@Suite("Coordinator")
struct CoordinatorTests {
    @Test("a leader that cannot reach PostgreSQL steps down on its own, and leads again once it is back")
    func stepsDownWithoutDatabase() async throws {
        let cluster = try await TestCluster.started()
        defer { cluster.destroy() }
        let logger = TestLogger.make()
        let client = PostgresClient(configuration: PostgresConfiguration(connectionString: cluster.connectionString, maxConnections: 4,
                                                                         connectTimeoutSeconds: 1), logger: logger)
        try await MigrationSupport.load().apply(client: client, logger: logger)
        let coordinator = CoordinatorService(client: client, configuration: CoordinatorConfiguration(leaderLease: .seconds(2)),
                                             logger: logger)
        try await withServices([coordinator]) { _ in
            try await eventually("leading") { coordinator.isLeader }
            try cluster.stop()
            // Nobody else could take the lease over: stepping down is the leader's own decision.
            try await eventually("stepped down") { !coordinator.isLeader }
            try cluster.startAgain()
            try await eventually("leading again") { coordinator.isLeader }
        }
        await client.shutdown()
    }
}
