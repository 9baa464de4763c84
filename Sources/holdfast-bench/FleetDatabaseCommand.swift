import ArgumentParser
import Compliance
import Foundation
import HoldfastRuntime
import Postgres
import Tenancy

/// `holdfast-bench fleet-db`: the database side of deploy/bench/fleet, on a database that
/// `deploy/bench/fleet_db.sql` filled: the scheduler's tick (the production `TenantScheduler`, with
/// the due tenants put back before each round) and the SLA evaluation (the leader's
/// `evaluateAndRecord` and the read-only `assess` the views use). Prints one JSON line.
struct FleetDatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fleet-db",
                                                    abstract: "Scheduler tick and SLA evaluation of a bulk-inserted fleet (deploy/bench/fleet).")

    @OptionGroup var database: DatabaseOption
    @Option(help: "Rounds of each measurement (the median and the slowest are reported).") var rounds = 5

    func validate() throws {
        guard (1...100).contains(rounds) else { throw ValidationError("--rounds must be 1-100") }
    }

    func run() async throws {
        let logger = database.logger
        let client = PostgresClient(configuration: PostgresConfiguration(connectionString: database.databaseURL, maxConnections: 4,
                                                                         applicationName: "holdfast-bench"), logger: logger)
        do {
            let result = try await measure(client)
            await client.shutdown()
            let data = try JSONSerialization.data(withJSONObject: result, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } catch {
            await client.shutdown()
            throw error
        }
    }

    private func measure(_ client: PostgresClient) async throws -> [String: Any] {
        let logger = database.logger
        let tenants = try await client.query("SELECT count(*)::int AS n FROM tenants WHERE status = 'active'").first!.decode(Int.self, "n")
        let finishedJobs = try await client.query("""
            SELECT count(*)::int AS n FROM jobs WHERE state IN ('completed', 'discarded', 'cancelled')
            """).first!.decode(Int.self, "n")

        // The scheduler: each round finds the same due tenants (their next_backup_at and the jobs it
        // enqueued are put back afterwards), as the leader's tick at the top of a nightly window would.
        let due = try await client.query("SELECT id, next_backup_at FROM tenants WHERE status = 'active' AND next_backup_at <= now()")
            .rows.map { (try $0.decode(UUID.self, "id"), try $0.decode(Date.self, "next_backup_at")) }
        let scheduler = TenantScheduler(client: client, enqueueChecks: .holdfast, logger: logger)
        var tickMilliseconds: [Double] = []
        var enqueued = 0
        for _ in 0..<rounds {
            let started = ContinuousClock.now
            enqueued = try await scheduler.runOnce()
            tickMilliseconds.append((ContinuousClock.now - started).inMilliseconds)
            try await client.query("""
                DELETE FROM jobs WHERE kind = 'backup' AND state = 'available' AND tenant_id = ANY(\(due.map(\.0))::uuid[])
                """)
            try await client.query("""
                UPDATE tenants SET next_backup_at = u.next
                FROM unnest(\(due.map(\.0))::uuid[], \(due.map(\.1))::timestamptz[]) AS u(id, next) WHERE tenants.id = u.id
                """)
        }

        // SLA: the first round records every tenant's state; later rounds are the leader's steady state.
        let evaluator = SLAEvaluator(client: client, enqueueChecks: .holdfast, logger: logger)
        var started = ContinuousClock.now
        let first = try await evaluator.evaluateAndRecord()
        let firstMilliseconds = (ContinuousClock.now - started).inMilliseconds
        var evaluateMilliseconds: [Double] = []
        for _ in 0..<rounds {
            started = ContinuousClock.now
            _ = try await evaluator.evaluateAndRecord()
            evaluateMilliseconds.append((ContinuousClock.now - started).inMilliseconds)
        }
        var assessMilliseconds: [Double] = []
        for _ in 0..<rounds {
            started = ContinuousClock.now
            _ = try await evaluator.assess()
            assessMilliseconds.append((ContinuousClock.now - started).inMilliseconds)
        }
        let states = Dictionary(grouping: first.assessments, by: \.state).mapValues(\.count)
        return [
            "bench": "fleet-db", "tenants": tenants, "finished_jobs": finishedJobs, "rounds": rounds,
            "scheduler_due": due.count, "scheduler_enqueued": enqueued,
            "scheduler_tick_ms_median": rounded(median(tickMilliseconds), 1), "scheduler_tick_ms_max": rounded(tickMilliseconds.max() ?? 0, 1),
            "sla_first_evaluation_ms": rounded(firstMilliseconds, 1),
            "sla_evaluation_ms_median": rounded(median(evaluateMilliseconds), 1), "sla_evaluation_ms_max": rounded(evaluateMilliseconds.max() ?? 0, 1),
            "sla_assess_ms_median": rounded(median(assessMilliseconds), 1), "sla_assess_ms_max": rounded(assessMilliseconds.max() ?? 0, 1),
            "sla_states": Dictionary(uniqueKeysWithValues: states.map { ($0.key.rawValue, $0.value) }),
        ]
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

extension Duration {
    var inMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}
