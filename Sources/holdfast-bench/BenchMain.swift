// holdfast-bench: measurements behind docs/performance.md. Run through deploy/bench/*.
//
//     holdfast-bench queue --database-url URL [--jobs N] [--pgqueuer-json '{…}']
//     holdfast-bench fleet-db --database-url URL [--rounds N]
import ArgumentParser
import Foundation
import Logging
import Migrations
import Postgres
import Queue
import Worker
import Cryptography
import Tenancy

import Synchronization

/// Does nothing but count, so the benchmark can wait without polling the database.
final class NoopHandler: JobHandler {
    var kind: JobKind { "noop" }
    private let runs = Atomic<Int>(0)
    func run(_ job: Job, context: JobContext) async throws { runs.add(1, ordering: .relaxed) }
    var count: Int { runs.load(ordering: .relaxed) }
}

struct QueueBenchmark {
    let databaseURL: String
    let jobs: Int
    let schema = "bench_holdfast"
    let logger: Logger

    func configuration(connections: Int) -> PostgresConfiguration {
        PostgresConfiguration(connectionString: databaseURL, maxConnections: connections, applicationName: "holdfast-bench", searchPath: [schema])
    }

    func prepare() async throws {
        let admin = PostgresClient(configuration: PostgresConfiguration(connectionString: databaseURL, maxConnections: 1), logger: logger)
        try await admin.query("DROP SCHEMA IF EXISTS \(unescaped: schema) CASCADE")
        try await admin.query("CREATE SCHEMA \(unescaped: schema)")
        await admin.shutdown()
        let client = PostgresClient(configuration: configuration(connections: 2), logger: logger)
        let directory = try MigrationDirectory.locate()
        try await MigrationRunner(client: client, migrations: try MigrationDirectory.load(from: directory), logger: logger).migrate()
        await client.shutdown()
    }

    func reset(_ client: PostgresClient) async throws {
        try await client.query("TRUNCATE jobs, job_events, workers")
    }

    func enqueue(_ client: PostgresClient, count: Int) async throws -> Double {
        let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
        let started = ContinuousClock.now
        var remaining = count
        while remaining > 0 {
            let batch = min(1_000, remaining)
            _ = try await enqueuer.enqueue(Array(repeating: EnqueueRequest(kind: "noop", tenantID: UUID()), count: batch))
            remaining -= batch
        }
        return Double(count) / (ContinuousClock.now - started).seconds
    }

    /// Runs `body` while a worker with `slots` slots runs, then stops it.
    func withWorker<T: Sendable>(_ client: PostgresClient, slots: Int, _ body: (NoopHandler) async throws -> T) async throws -> T {
        let handler = NoopHandler()
        let worker = WorkerService(client: client, handlers: HandlerRegistry([handler]),
                                   configuration: WorkerConfiguration(concurrency: slots, pollInterval: .milliseconds(500), version: "bench"),
                                   logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await worker.run() }
            defer { group.cancelAll() }
            return try await body(handler)
        }
    }

    /// Committed transactions in this database so far (statistics lag up to a second).
    func commits(_ client: PostgresClient) async throws -> Int {
        try await Task.sleep(for: .milliseconds(1100))
        return try await client.query("SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()")
            .first!.decode(Int.self, "n")
    }

    func completed(_ client: PostgresClient) async throws -> Int {
        try await client.query("SELECT count(*) AS n FROM jobs WHERE state = 'completed'").first!.decode(Int.self, "n")
    }

    func claimComplete(slots: Int, count: Int) async throws -> Double {
        let client = PostgresClient(configuration: configuration(connections: slots + 4), logger: logger)
        try await reset(client)
        _ = try await enqueue(client, count: count)
        try await client.executeScriptOnce("VACUUM ANALYZE jobs")
        let commitsBefore = try await commits(client)
        let started = ContinuousClock.now
        try await withWorker(client, slots: slots) { handler in
            while handler.count < count { try await Task.sleep(for: .milliseconds(5)) }
            while try await completed(client) < count { try await Task.sleep(for: .milliseconds(5)) }
        }
        let elapsed = ContinuousClock.now - started
        let statements = try await commits(client) - commitsBefore
        print("  \(slots) slot(s): \(rounded(Double(count) / Double(max(1, statements)), 1)) jobs per statement (\(statements) transactions)")
        await client.shutdown()
        return Double(count) / elapsed.seconds
    }

    /// Enqueue-to-start latency of jobs enqueued one by one at a steady rate, measured with the
    /// database's clock (created_at → attempted_at).
    func startLatency(count: Int, every interval: Duration) async throws -> (p50: Double, p99: Double) {
        let client = PostgresClient(configuration: configuration(connections: 20), logger: logger)
        try await reset(client)
        let enqueuer = JobEnqueuer(client: client, logger: logger, checks: .unchecked)
        try await withWorker(client, slots: 16) { _ in
            try await Task.sleep(for: .milliseconds(500))
            let clock = ContinuousClock()
            var next = clock.now
            for _ in 0..<count {
                _ = try await enqueuer.enqueue(EnqueueRequest(kind: "noop", tenantID: UUID()))
                next += interval
                try await clock.sleep(until: next)
            }
            while try await completed(client) < count { try await Task.sleep(for: .milliseconds(20)) }
        }
        let row = try await client.query("""
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - created_at)) * 1000 AS p50,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM attempted_at - created_at)) * 1000 AS p99
            FROM jobs
            """).first!
        await client.shutdown()
        return (try row.decode(Double.self, "p50"), try row.decode(Double.self, "p99"))
    }

    /// Claim latency (16 slots) with 1,000,000 finished and 100,000 queued jobs in the table.
    func largeTableClaims(finished: Int, queued: Int, claims: Int) async throws -> (p50: Double, p99: Double) {
        let client = PostgresClient(configuration: configuration(connections: 4), logger: logger)
        try await reset(client)
        try await client.query("ALTER TABLE jobs DISABLE TRIGGER USER")
        try await client.query("""
            INSERT INTO jobs (kind, tenant_id, state, fair_seq, attempt, worker_id, attempted_at, finalized_at)
            SELECT 'noop', md5((n % 1000)::text)::uuid, 'completed', n / 1000, 1, gen_random_uuid(), now(), now() - interval '1 hour'
            FROM generate_series(1, \(finished)) n
            """)
        try await client.query("""
            INSERT INTO jobs (kind, tenant_id, state, fair_seq)
            SELECT 'noop', md5((n % 1000)::text)::uuid, 'available', n / 1000 FROM generate_series(1, \(queued)) n
            """)
        try await client.query("ALTER TABLE jobs ENABLE TRIGGER USER")
        try await client.executeScriptOnce("VACUUM ANALYZE jobs")
        let claimer = JobClaimer(client: client, logger: logger)
        let completer = JobCompleter(client: client, logger: logger)
        let worker = UUID()
        var latencies: [Double] = []
        latencies.reserveCapacity(claims)
        for _ in 0..<claims {
            let started = ContinuousClock.now
            let jobs = try await claimer.claim(workerID: worker, limit: 16, lease: .seconds(30), kinds: ["noop"])
            latencies.append((ContinuousClock.now - started).seconds * 1000)
            try await completer.complete(jobs.compactMap(\.claim))
        }
        await client.shutdown()
        latencies.sort()
        return (latencies[latencies.count / 2], latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))])
    }
}

extension PostgresClient {
    func executeScriptOnce(_ sql: String) async throws {
        try await withConnection { try await $0.executeScript(sql) }
    }
}

func rounded(_ value: Double, _ places: Int = 1) -> Double {
    let scale = pow(10.0, Double(places))
    return (value * scale).rounded() / scale
}

@main
struct BenchMain: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holdfast-bench", abstract: "Measurements behind docs/performance.md; run through deploy/bench/*.",
        subcommands: [QueueCommand.self, QueueDrainCommand.self, BackupOnboardCommand.self, FleetDatabaseCommand.self])
}

/// Options every benchmark takes: the database, explicitly (a benchmark never guesses its target).
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("database-url"), help: "PostgreSQL to measure against (a scratch schema is made and dropped).")
    var databaseURL: String

    var logger: Logger {
        var logger = Logger(label: "holdfast.bench")
        logger.logLevel = .error
        return logger
    }
}

struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue", abstract: "Enqueue, claim+complete, start latency, large-table claims.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "No-op jobs per measurement.") var jobs = 20_000
    @Option(name: .customLong("pgqueuer-json"), help: "pgqueuer's figures for the same workload (deploy/bench/queue), merged into the result.")
    var pgqueuerJSON: String?

    func validate() throws {
        guard (100...10_000_000).contains(jobs) else { throw ValidationError("--jobs must be between 100 and 10,000,000") }
    }

    func run() async throws {
        let bench = QueueBenchmark(databaseURL: database.databaseURL, jobs: jobs, logger: database.logger)
        try await bench.prepare()
        let setup = PostgresClient(configuration: bench.configuration(connections: 2), logger: database.logger)
        try await bench.reset(setup)
        let enqueueRate = try await bench.enqueue(setup, count: jobs)
        await setup.shutdown()
        print("enqueue (batches of 1,000):        \(Int(enqueueRate)) jobs/s")
        var rates: [Int: Double] = [:]
        for slots in [1, 4, 16] {
            let count = slots == 1 ? jobs / 4 : jobs
            rates[slots] = try await bench.claimComplete(slots: slots, count: count)
            print("claim+complete, \(slots) slot(s):\(String(repeating: " ", count: 11 - String(slots).count))\(Int(rates[slots]!)) jobs/s (\(count) no-op jobs)")
        }
        let latency = try await bench.startLatency(count: 2_000, every: .milliseconds(5))
        print("enqueue-to-start latency (200/s):  p50 \(rounded(latency.p50)) ms, p99 \(rounded(latency.p99)) ms")
        let large = try await bench.largeTableClaims(finished: 1_000_000, queued: 100_000, claims: 2_000)
        print("claim latency, 16 slots, 1M finished + 100k queued: p50 \(rounded(large.p50, 2)) ms, p99 \(rounded(large.p99, 2)) ms")

        var result: [String: Any] = [
            "bench": "queue",
            "claim_complete_jobs_per_s": Int(rates[16]!),
            "claim_complete_jobs_per_s_1_slot": Int(rates[1]!),
            "claim_complete_jobs_per_s_4_slots": Int(rates[4]!),
            "enqueue_jobs_per_s": Int(enqueueRate),
            "start_latency_p50_ms": rounded(latency.p50),
            "start_latency_p99_ms": rounded(latency.p99),
            "claim_p50_ms_large_table": rounded(large.p50, 2),
            "claim_p99_ms_large_table": rounded(large.p99, 2),
            "jobs": jobs,
        ]
        if let text = pgqueuerJSON, let data = text.data(using: .utf8),
           let pgqueuer = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            for (key, value) in pgqueuer { result[key] = value }
            if let theirs = pgqueuer["pgqueuer_jobs_per_s"] as? Double, theirs > 0 {
                let ratio = rounded(rates[16]! / theirs, 2)
                result["ratio_vs_pgqueuer"] = ratio
                print("pgqueuer, same workload (batch 16): \(Int(theirs)) jobs/s; holdfast/pgqueuer = \(ratio)×")
            }
            if let theirs = pgqueuer["pgqueuer_enqueue_jobs_per_s"] as? Double {
                print("pgqueuer enqueue (batches of 1,000): \(Int(theirs)) jobs/s")
            }
        } else {
            result["pgqueuer_jobs_per_s"] = NSNull()
        }
        let admin = PostgresClient(configuration: PostgresConfiguration(connectionString: database.databaseURL, maxConnections: 1),
                                   logger: database.logger)
        try await admin.query("DROP SCHEMA IF EXISTS \(unescaped: bench.schema) CASCADE")
        await admin.shutdown()
        let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
        print(String(decoding: data, as: UTF8.self))
    }
}

/// Only the claim+complete drain, for profiling.
struct QueueDrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "queue-drain", abstract: "Only the claim+complete drain, for profiling.")

    @OptionGroup var database: DatabaseOption
    @Option(help: "No-op jobs.") var jobs = 20_000
    @Option(help: "Worker slots.") var slots = 16

    func validate() throws {
        guard (100...10_000_000).contains(jobs) else { throw ValidationError("--jobs must be between 100 and 10,000,000") }
        guard (1...256).contains(slots) else { throw ValidationError("--slots must be between 1 and 256") }
    }

    func run() async throws {
        let bench = QueueBenchmark(databaseURL: database.databaseURL, jobs: jobs, logger: database.logger)
        try await bench.prepare()
        let rate = try await bench.claimComplete(slots: slots, count: jobs)
        print("claim+complete, \(slots) slot(s): \(Int(rate)) jobs/s (\(jobs) no-op jobs)")
    }
}

/// `holdfast-bench backup-onboard`: registers one graph-sim tenant and its app's client secret in
/// Holdfast (as onboarding would), so `deploy/bench/backup` can run backups of it through a real
/// worker. Prints the Holdfast tenant id.
struct BackupOnboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup-onboard", abstract: "Register a graph-sim tenant for deploy/bench/backup.")

    @OptionGroup var database: DatabaseOption
    @Option(name: .customLong("master-key-file"), help: "The master key the secret is sealed under (as the worker's).") var masterKeyFile: String
    @Option(name: .customLong("entra-tenant-id")) var entraTenantID: String
    @Option(name: .customLong("client-id")) var clientID: String
    @Option(name: .customLong("secret-file"), help: "A file holding the app's client secret.") var secretFile: String
    @Option var domain: String
    @Option var name: String

    func validate() throws {
        guard UUID(uuidString: entraTenantID) != nil, UUID(uuidString: clientID) != nil else {
            throw ValidationError("--entra-tenant-id and --client-id must be UUIDs")
        }
    }

    func run() async throws {
        let secret = try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let logger = database.logger
        let ring = MasterKeyRing(current: try MasterKey(contentsOfFile: masterKeyFile))
        let client = PostgresClient(configuration: PostgresConfiguration(connectionString: database.databaseURL, maxConnections: 2), logger: logger)
        do {
            let tenant = try await TenantRegistry(client: client, logger: logger).addTenant(
                NewTenant(entraTenantID: UUID(uuidString: entraTenantID)!, primaryDomain: domain, displayName: name, sizeClass: "L"),
                actor: "bench")
            _ = try await TenantCredentialStore(client: client, keyRing: ring, logger: logger).store(
                NewTenantCredential(appKind: .tenantApp, clientID: UUID(uuidString: clientID)!,
                                    material: .clientSecret(SecretBytes(copying: Array(secret.utf8)))),
                tenantID: tenant.id, actor: "bench")
            print(tenant.id.uuidString.lowercased())
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
