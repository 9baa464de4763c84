import Coordinator
import Foundation
import HoldfastTesting
import Postgres
import Queue
import Testing
import Worker

/// Real `holdfast worker` and `holdfast coordinator` processes, killed with SIGKILL.
@Suite("Processes", .serialized)
struct ProcessTests {
    static var holdfast: String { ProcessRunner.productsDirectory().appendingPathComponent("holdfast").path }

    @Test("a worker killed with SIGKILL mid-job: another worker completes the rescued job; the dead worker's late completion is refused")
    func sigkillWorker() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let logger = TestLogger.make()
            let arguments = ["worker", "--database-url", schema.connectionString, "--concurrency", "2", "--lease", "3",
                             "--heartbeat", "0.5", "--poll", "0.2", "--shutdown-timeout", "5"]
            let workers = try (0..<2).map { _ in try ProcessRunner.spawn(Self.holdfast, arguments) }
            defer { for worker in workers { worker.signal(SIGKILL) } }
            try await eventually("both workers registered") {
                try await client.count("SELECT count(*) FROM workers WHERE stopped_at IS NULL") == 2
            }
            let coordinator = CoordinatorService(client: client, configuration: CoordinatorConfiguration(
                leaderLease: .seconds(5), rescueInterval: .milliseconds(500), promoteInterval: .milliseconds(200)),
                logger: logger)
            try await withServices([coordinator]) { _ in
                let job = try await JobEnqueuer(client: client, logger: logger, checks: .unchecked)
                    .enqueue(EnqueueRequest(kind: .diagnostic, encoding: DiagnosticJobHandler.Arguments(sleepMilliseconds: 12_000))).job
                try await client.waitForJob(job.id, until: [.running])
                let held = try #require(try await JobAdministrator(client: client, logger: logger).job(job.id).claim)
                let holder = held.workerID
                let holderPID = try await client.count("SELECT pid FROM workers WHERE id = \(holder)")
                let victim = try #require(workers.first { Int($0.pid) == holderPID })
                victim.signal(SIGKILL)
                #expect(await victim.wait() == 128 + SIGKILL)

                try await client.waitForJob(job.id, until: [.completed])
                let done = try await JobAdministrator(client: client, logger: logger).job(job.id)
                #expect(done.workerID != holder && done.attempt == 2)
                #expect(done.errors.map(\.error) == ["lease expired: the worker stopped heart-beating"])
                let history = try await JobAdministrator(client: client, logger: logger).history(job.id)
                #expect(history.map(\.state) == [.available, .running, .available, .running, .completed])
                try #require(history.count == 5)
                #expect(history[1].workerID == holder && history[3].workerID == done.workerID)

                // The dead worker's completion, arriving late, is refused.
                let late = held
                #expect(try await JobCompleter(client: client, logger: logger).complete([late]).isEmpty)
                #expect(try await client.state(of: job.id) == "completed")
            }
            // The survivor stops cleanly on SIGTERM and exits 0.
            let holderPID = try await client.count("SELECT pid FROM workers WHERE stopped_at IS NULL ORDER BY last_seen_at DESC LIMIT 1")
            let survivor = try #require(workers.first { Int($0.pid) == holderPID })
            survivor.signal(SIGTERM)
            let status = await survivor.wait()
            #expect(status == 0, "worker output:\n\(survivor.output)")
            #expect(try await client.count("SELECT count(*) FROM workers WHERE stopped_at IS NOT NULL") == 1)
        }
    }

    @Test("two coordinators: exactly one leads; when it is killed the other takes over")
    func twoCoordinators() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let client = schema.client
            let arguments = ["coordinator", "--database-url", schema.connectionString, "--leader-lease", "4",
                             "--rescue-interval", "0.5", "--schedule-interval", "1"]
            let coordinators = try (0..<2).map { _ in try ProcessRunner.spawn(Self.holdfast, arguments) }
            defer { for coordinator in coordinators { coordinator.signal(SIGKILL) } }
            let pids = Set(coordinators.map { Int($0.pid) })
            try await eventually("a leader elected") {
                pids.contains((try? await client.count("SELECT holder_pid FROM leader_leases WHERE expires_at > now()")) ?? -1)
            }
            let leaderPID = try await client.count("SELECT holder_pid FROM leader_leases")
            let leader = try #require(coordinators.first { Int($0.pid) == leaderPID })
            let follower = try #require(coordinators.first { Int($0.pid) != leaderPID })
            // Over several renewals the leader keeps its lease and the other never leads.
            for _ in 0..<3 {
                try await Task.sleep(for: .milliseconds(1_400))
                #expect(try await client.count("SELECT holder_pid FROM leader_leases") == leaderPID)
            }
            #expect(!follower.output.contains("leadership acquired"))
            #expect(leader.output.components(separatedBy: "leadership acquired").count == 2)

            leader.signal(SIGKILL)
            _ = await leader.wait()
            try await eventually("the other coordinator took over") {
                (try? await client.count("SELECT holder_pid FROM leader_leases WHERE expires_at > now()")) == Int(follower.pid)
            }
            try await eventually("the new leader logged it") { follower.output.contains("leadership acquired") }

            follower.signal(SIGTERM)
            #expect(await follower.wait() == 0, "coordinator output:\n\(follower.output)")
            // A leader that stops gracefully leaves no live lease, so another can lead at once.
            #expect(try await client.count("SELECT count(*) FROM leader_leases WHERE expires_at > now()") == 0)
        }
    }
}

@Suite("Metrics")
struct MetricsEndpointTests {
    @Test("a worker started with --metrics-port serves its job counters and claim latency in Prometheus text")
    func workerMetrics() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let port = try ProcessRunner.freeTCPPort()
            let worker = try ProcessRunner.spawn(ProcessTests.holdfast, [
                "worker", "--database-url", schema.connectionString, "--metrics-port", String(port), "--metrics-host", "127.0.0.1",
                "--poll", "0.2", "--retry-base", "60",
            ])
            defer { worker.signal(SIGKILL) }
            let enqueuer = JobEnqueuer(client: schema.client, logger: TestLogger.make(), checks: .unchecked)
            _ = try await enqueuer.enqueue([EnqueueRequest(kind: .diagnostic), EnqueueRequest(kind: .diagnostic)])
            _ = try await enqueuer.enqueue(EnqueueRequest(kind: .diagnostic, arguments: #"{"fail":"permanent"}"#))
            try await eventually("jobs finished") {
                try await schema.client.count("SELECT count(*) FROM jobs WHERE state IN ('completed', 'discarded')") == 3
            }
            var text = ""
            try await eventually("metrics served") {
                let result = try await ProcessRunner.capture("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"])
                text = result.standardOutput
                return result.status == 0 && text.contains("holdfast_jobs_completed_total")
            }
            #expect(text.contains(#"holdfast_jobs_completed_total{kind="diagnostic"} 2"#))
            #expect(text.contains(#"holdfast_jobs_claimed_total{kind="diagnostic"} 3"#))
            #expect(text.contains(#"holdfast_jobs_failed_total{kind="diagnostic",outcome="discarded"} 1"#))
            #expect(text.contains("holdfast_job_claim_duration_seconds_count"))
            // Slots, the LISTEN session, run time by outcome and queue wait (histograms by kind).
            #expect(text.contains("holdfast_worker_slots 10"))
            #expect(text.contains("holdfast_listener_connected 1"))
            #expect(text.contains(#"holdfast_job_duration_seconds_count{kind="diagnostic",outcome="completed"} 2"#))
            #expect(text.contains(#"holdfast_job_duration_seconds_count{kind="diagnostic",outcome="failed"} 1"#))
            #expect(text.contains(#"holdfast_job_duration_seconds_bucket{kind="diagnostic",outcome="completed",le="3600.0"} 2"#))
            #expect(text.contains(#"holdfast_job_queue_wait_seconds_count{kind="diagnostic"} 3"#))
            worker.signal(SIGTERM)
            #expect(await worker.wait() == 0)
        }
    }

    @Test("a worker with a webhook URL counts deliveries by outcome")
    func webhookMetrics() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let port = try ProcessRunner.freeTCPPort()
            // Nothing listens on the receiver's port: the delivery is unreachable, and retried.
            let receiver = try ProcessRunner.freeTCPPort()
            var environment = ProcessInfo.processInfo.environment
            environment["HOLDFAST_WEBHOOK_URL"] = "http://127.0.0.1:\(receiver)/hook"
            environment["HOLDFAST_WEBHOOK_SECRET"] = "a-webhook-secret-for-tests"
            environment["HOLDFAST_WEBHOOK_TIMEOUT"] = "2"
            let worker = try ProcessRunner.spawn(ProcessTests.holdfast, [
                "worker", "--database-url", schema.connectionString, "--metrics-port", String(port), "--metrics-host", "127.0.0.1",
                "--poll", "0.2", "--retry-base", "60", "--kinds", "webhook",
            ], environment: environment)
            defer { worker.signal(SIGKILL) }
            _ = try await JobEnqueuer(client: schema.client, logger: TestLogger.make(), checks: .unchecked)
                .enqueue(EnqueueRequest(kind: JobKind("webhook"), arguments: #"{"event":"test.ping","payload":{}}"#))
            var text = ""
            try await eventually("the delivery counted") {
                let result = try await ProcessRunner.capture("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"])
                text = result.standardOutput
                return text.contains("holdfast_webhook_deliveries_total")
            }
            #expect(text.contains(#"holdfast_webhook_deliveries_total{outcome="unreachable"} 1"#))
            try await schema.client.waitForJob(1, until: [.retryable])
            worker.signal(SIGTERM)
            #expect(await worker.wait() == 0)
        }
    }

    @Test("the leading coordinator exports the queue's health, the fleet and the leader flag; a follower does not")
    func coordinatorMetrics() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            let port = try ProcessRunner.freeTCPPort()
            let enqueuer = JobEnqueuer(client: schema.client, logger: TestLogger.make(), checks: .unchecked)
            // Two jobs waiting for a minute, nobody to run them.
            _ = try await enqueuer.enqueue([EnqueueRequest(kind: .diagnostic), EnqueueRequest(kind: .retention)])
            try await schema.client.query("UPDATE jobs SET run_at = now() - interval '60 seconds'")
            // A worker that stopped heart-beating five minutes ago without deregistering, and one alive.
            let registry = WorkerRegistry(client: schema.client, logger: TestLogger.make())
            let lost = UUID()
            try await registry.register(id: lost, version: "test", concurrency: 1, kinds: [.diagnostic])
            try await registry.register(id: UUID(), version: "test", concurrency: 1, kinds: [.diagnostic])
            try await schema.client.query("UPDATE workers SET last_seen_at = now() - interval '5 minutes' WHERE id = \(lost)")
            let coordinator = try ProcessRunner.spawn(ProcessTests.holdfast, [
                "coordinator", "--database-url", schema.connectionString, "--metrics-port", String(port), "--metrics-host", "127.0.0.1",
                "--sla-interval", "1", "--schedule-interval", "1",
            ])
            defer { coordinator.signal(SIGKILL) }
            var text = ""
            try await eventually("the leader sampled") {
                let result = try await ProcessRunner.capture("/usr/bin/curl", ["-sf", "http://127.0.0.1:\(port)/metrics"])
                text = result.standardOutput
                return text.contains("holdfast_workers") && text.contains("holdfast_tenants")
            }
            #expect(text.contains("holdfast_coordinator_leader 1"))
            #expect(text.contains(#"holdfast_queue_jobs{state="available"} 2"#))
            #expect(text.contains(#"holdfast_workers{state="lost"} 1"#))
            #expect(text.contains(#"holdfast_workers{state="active"} 1"#))
            // No tenants: every SLA state is exported, at 0.
            for state in ["ok", "at_risk", "breached"] {
                #expect(text.contains("holdfast_tenants{sla_state=\"\(state)\"} 0"))
            }
            let age = text.split(separator: "\n").first { $0.hasPrefix(#"holdfast_queue_oldest_available_age_seconds{kind="diagnostic"}"#) }
            let seconds = try #require(age.flatMap { $0.split(separator: " ").last }.flatMap { Double($0) })
            #expect(seconds >= 60 && seconds < 3600)
            coordinator.signal(SIGTERM)
            #expect(await coordinator.wait() == 0)
        }
    }
}

@Suite("holdfast jobs")
struct JobsCommandTests {
    func holdfast(_ arguments: [String], schema: IsolatedSchema) async throws -> String {
        let result = try await ProcessRunner.capture(ProcessTests.holdfast, arguments + ["--database-url", schema.connectionString])
        guard result.status == 0 else {
            throw ConditionNotMet(description: "holdfast \(arguments.joined(separator: " ")) exited \(result.status): \(result.standardError)")
        }
        return result.standardOutput
    }

    @Test("enqueue, list with filters, show, cancel and retry from the command line")
    func operatorCommands() async throws {
        try await TestDatabase.withIsolatedSchema { schema in
            // A registered tenant: enqueue refuses jobs for one that does not exist.
            let tenant = try await schema.client.query("INSERT INTO tenants (display_name) VALUES ('Contoso') RETURNING id")
                .first!.decode(UUID.self, "id").uuidString.lowercased()
            let ids = try await holdfast(["jobs", "enqueue", "--kind", "backup", "--tenant", tenant, "--count", "2",
                                          "--args", #"{"full":true}"#], schema: schema)
                .split(separator: "\n").compactMap { Int64($0) }
            #expect(ids.count == 2)
            _ = try await holdfast(["jobs", "enqueue", "--kind", "diagnostic"], schema: schema)

            let listed = try await holdfast(["jobs", "list", "--tenant", tenant, "--state", "available"], schema: schema)
            #expect(listed.split(separator: "\n").count == 3)  // header and two jobs
            #expect(!listed.contains("diagnostic"))

            #expect(try await holdfast(["jobs", "cancel", String(ids[0])], schema: schema).contains("cancelled"))
            let shown = try await holdfast(["jobs", "show", String(ids[0])], schema: schema)
            #expect(shown.contains("state:            cancelled") && shown.contains(tenant) && shown.contains("full"))
            #expect(try await holdfast(["jobs", "retry", String(ids[0])], schema: schema).contains("available again"))
            #expect(try await schema.client.state(of: ids[0]) == "available")

            let refused = try await ProcessRunner.capture(ProcessTests.holdfast, ["jobs", "show", "999999", "--database-url", schema.connectionString])
            #expect(refused.status != 0 && refused.standardError.contains("no job 999999"))
        }
    }
}
