import ArgumentParser
import HoldfastRuntime
import Foundation
import Logging
import Postgres
import Queue

/// `holdfast jobs …`: look at and act on the queue.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "List, inspect, cancel, retry and enqueue jobs.",
        subcommands: [List.self, Show.self, Cancel.self, Retry.self, Enqueue.self, Workers.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")

        @OptionGroup var common: CommonOptions

        @Option(name: .customLong("tenant"), help: "Only this tenant's jobs (tenant id).")
        var tenant: String?

        @Option(name: .customLong("kind"), help: "Only these kinds (comma-separated).")
        var kind: String?

        @Option(name: .customLong("state"), help: "Only these states (comma-separated): \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).")
        var state: String?

        @Option(name: .customLong("limit"), help: "Most jobs shown.")
        var limit: Int = 50

        func validate() throws {
            if let tenant, UUID(uuidString: tenant) == nil { throw ValidationError("--tenant must be a tenant id (UUID).") }
            for name in Self.split(state) where JobState(rawValue: name) == nil {
                throw ValidationError("unknown state '\(name)'; states are \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard limit > 0 else { throw ValidationError("--limit must be positive.") }
        }

        static func split(_ text: String?) -> [String] {
            text.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
        }

        func run() async throws {
            let filter = JobFilter(
                tenantID: tenant.flatMap(UUID.init(uuidString:)),
                kinds: kind.map { _ in Self.split(kind).map { JobKind($0) } },
                states: state.map { _ in Self.split(state).compactMap(JobState.init(rawValue:)) },
                limit: limit
            )
            let jobs = try await common.withRuntime(label: "holdfast.jobs") { runtime in
                try await JobAdministrator(client: runtime.postgres, logger: runtime.logger).list(filter)
            }
            print(JobFormatting.header)
            for job in jobs { print(JobFormatting.line(job)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job: its fields, each attempt's error and its history.")

        @OptionGroup var common: CommonOptions

        @Argument(help: "The job's id.") var id: Int64

        func run() async throws {
            let (job, history) = try await common.withRuntime(label: "holdfast.jobs") { runtime in
                let client = runtime.postgres, logger = runtime.logger
                let administrator = JobAdministrator(client: client, logger: logger)
                return (try await administrator.job(id), try await administrator.history(id))
            }
            print(JobFormatting.detail(job, history: history))
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a job. A running job is stopped by its worker at the next heartbeat."
        )

        @OptionGroup var common: CommonOptions

        @Argument(help: "The job's id.") var id: Int64

        func run() async throws {
            let job = try await common.withRuntime(label: "holdfast.jobs") { runtime in
                try await JobAdministrator(client: runtime.postgres, logger: runtime.logger).cancel(id)
            }
            if job.state == .running {
                print("job \(job.id) is running: cancellation requested; its worker stops it at the next heartbeat")
            } else {
                print("job \(job.id) cancelled")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a discarded, cancelled, retryable or scheduled job again now.",
            discussion: "A completed job is run again only with --completed."
        )

        @OptionGroup var common: CommonOptions

        @Argument(help: "The job's id.") var id: Int64
        @Flag(help: "Also run the job again if it completed (a backup takes a new snapshot; a restore writes again).")
        var completed = false

        func run() async throws {
            let job = try await common.withRuntime(label: "holdfast.jobs") { runtime in
                try await JobAdministrator(client: runtime.postgres, logger: runtime.logger).retry(id, includingCompleted: completed)
            }
            print("job \(job.id) is available again (attempt \(job.attempt) of \(job.maxAttempts) used)")
        }
    }

    struct Enqueue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enqueue jobs by hand (for example `--kind diagnostic --args '{\"sleep_ms\":500}'` to check a deployment).",
            discussion: "Prints the id of each job, one per line."
        )

        @OptionGroup var common: CommonOptions

        @Option(name: .customLong("kind"), help: "The job's kind.") var kind: String
        @Option(name: .customLong("tenant"), help: "The tenant's id.") var tenant: String?
        @Option(name: .customLong("args"), help: "Arguments, a JSON object.") var arguments: String = "{}"
        @Option(name: .customLong("priority"), help: "Lower runs first.") var priority: Int = 100
        @Option(name: .customLong("max-attempts"), help: "Attempts before the job is discarded.") var maxAttempts: Int = 5
        @Option(name: .customLong("unique-key"), help: "Return the pending job with this key instead of adding one.") var uniqueKey: String?
        @Option(name: .customLong("count"), help: "How many identical jobs to enqueue (in one statement).") var count: Int = 1

        func validate() throws {
            if let tenant, UUID(uuidString: tenant) == nil { throw ValidationError("--tenant must be a tenant id (UUID).") }
            guard (try? JSONSerialization.jsonObject(with: Data(arguments.utf8))) is [String: Any] else {
                throw ValidationError("--args must be a JSON object.")
            }
            guard count > 0 else { throw ValidationError("--count must be positive.") }
            guard maxAttempts > 0 else { throw ValidationError("--max-attempts must be positive.") }
        }

        func run() async throws {
            let request = EnqueueRequest(kind: JobKind(kind), tenantID: tenant.flatMap(UUID.init(uuidString:)), arguments: arguments,
                                         priority: priority, maxAttempts: maxAttempts, uniqueKey: uniqueKey)
            let results = try await common.withRuntime(label: "holdfast.jobs") { runtime in
                try await JobEnqueuer(client: runtime.postgres, logger: runtime.logger).enqueue(Array(repeating: request, count: count))
            }
            for result in results { print(result.job.id) }
        }
    }

    struct Workers: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List registered workers (running ones; --all for stopped too).")

        @OptionGroup var common: CommonOptions

        @Flag(name: .customLong("all"), help: "Include workers that stopped.") var all = false

        func run() async throws {
            let workers = try await common.withRuntime(label: "holdfast.jobs") { runtime in
                try await WorkerRegistry(client: runtime.postgres, logger: runtime.logger).list(includeStopped: all)
            }
            print("ID                                    HOST              PID      VERSION  SLOTS  STARTED                   LAST SEEN                 STOPPED")
            for worker in workers {
                print([
                    worker.id.uuidString.lowercased(), JobFormatting.pad(worker.host, 16), JobFormatting.pad(String(worker.pid), 7),
                    JobFormatting.pad(worker.version, 7), JobFormatting.pad(String(worker.concurrency), 5),
                    JobFormatting.date(worker.startedAt), JobFormatting.date(worker.lastSeenAt), worker.stoppedAt.map(JobFormatting.date) ?? "-",
                ].joined(separator: "  "))
            }
        }
    }
}

/// Plain-text rendering of jobs for the terminal.
enum JobFormatting {
    static let header = "ID        KIND        STATE      TENANT                                ATTEMPT  RUN AT                    WORKER"

    static func line(_ job: Job) -> String {
        [
            pad(String(job.id), 8), pad(job.kind.rawValue, 10), pad(job.state.rawValue, 9),
            pad(job.tenantID?.uuidString.lowercased() ?? "-", 36), pad("\(job.attempt)/\(job.maxAttempts)", 7),
            date(job.runAt), job.workerID?.uuidString.lowercased() ?? "-",
        ].joined(separator: "  ")
    }

    static func detail(_ job: Job, history: [JobEvent]) -> String {
        var lines = [
            "id:               \(job.id)",
            "kind:             \(job.kind)",
            "tenant:           \(job.tenantID?.uuidString.lowercased() ?? "-")",
            "state:            \(job.state)\(job.cancelRequested && job.state == .running ? " (cancel requested)" : "")",
            "priority:         \(job.priority)",
            "attempt:          \(job.attempt) of \(job.maxAttempts)",
            "run at:           \(date(job.runAt))",
            "created:          \(date(job.createdAt))",
            "finalized:        \(job.finalizedAt.map(date) ?? "-")",
            "worker:           \(job.workerID?.uuidString.lowercased() ?? "-")",
            "lease expires:    \(job.leaseExpiresAt.map(date) ?? "-")",
            "last heartbeat:   \(job.heartbeatAt.map(date) ?? "-")",
            "unique key:       \(job.uniqueKey ?? "-")",
            "arguments:        \(job.arguments)",
            "progress:         \(job.progress ?? "-")",
        ]
        if !job.errors.isEmpty {
            lines.append("errors:")
            for error in job.errors {
                lines.append("  attempt \(error.attempt) at \(date(error.at))\(error.permanent ? " (permanent)" : ""): \(error.error)")
            }
        }
        lines.append("history:")
        for event in history {
            lines.append("  \(date(event.at))  \(pad(event.state.rawValue, 9))  attempt \(event.attempt)  \(event.workerID?.uuidString.lowercased() ?? "")")
        }
        return lines.joined(separator: "\n")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    static func date(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return pad(formatter.string(from: date), 24)
    }
}
