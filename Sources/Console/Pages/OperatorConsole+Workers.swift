import Foundation
import Hummingbird
import Queue

/// Workers and the queue (`/console/workers`), for staff only (the API's `/v1/workers` is staff
/// only too): each worker's host, version, slots used of its concurrency and when it was last
/// seen; the leader and its lease; and per job kind the waiting, running and retrying jobs with
/// the oldest wait. Reads `WorkerRegistry.list` (the API's query), `LeaderElector.currentLeader`,
/// and `JobAdministrator.queueByKind` / `runningByWorker` (bounded counts, the gauges' oldest-wait query).
extension OperatorConsole {
    struct WorkersPage {
        struct WorkerRow {
            var id: String
            var host: String
            var pid: Int
            var version: String
            var slotsUsed: Int
            var concurrency: Int
            var kinds: String
            var started: String
            var lastSeen: String
            var state: String
            var stateLabel: String
        }
        struct Leader {
            var host: String
            var pid: Int
            var holderID: String
            var elected: String
            var lease: String
            var expired: Bool
        }
        struct KindRow {
            var kind: String
            /// Whether the job list's kind filter offers this kind (so the row links to it).
            var filterable: Bool
            var waiting: String
            var running: String
            var retrying: String
            var oldestWait: String
        }
        var layout: ConsoleLayout
        var workers: [WorkerRow]
        /// Stored, not computed: Mustache reads values through `Mirror`, which sees stored properties only.
        var hasWorkers: Bool
        var includeStopped: Bool
        var toggleLink: String
        var toggleLabel: String
        var leader: Leader?
        var kinds: [KindRow]
        var cap: Int
    }

    /// Largest count the queue table shows per kind and state (beyond: "1000+").
    static let queueCountCap = 1000

    func workersPage(_ request: Request) async throws -> Response {
        let session = try await signedIn(request)
        try await requireStaff(session, request: request, page: "the workers and queue")
        let includeStopped: Bool
        switch try parameter(request, "stopped", maxLength: 5) {
        case nil, "false": includeStopped = false
        case "true": includeStopped = true
        case let other?: throw ConsoleError(.invalidInput, "stopped must be true or false (got '\(other)').")
        }
        let now = now()
        let workers = try await services.workers.list(includeStopped: includeStopped)
        let slots = try await services.jobs.runningByWorker()
        let lease = try await LeaderElector(client: services.client, candidateID: UUID(), ttl: .seconds(30), logger: services.logger).currentLeader()
        let names: [String] = Self.jobKinds + workers.flatMap(\.kinds)
        let kinds = Set(names.map { JobKind($0) })
        let queue = try await services.jobs.queueByKind(kinds: Array(kinds), cap: Self.queueCountCap)

        let rows = workers.map { worker in
            let state = worker.stoppedAt != nil ? "stopped" : now.timeIntervalSince(worker.lastSeenAt) <= Self.workerAliveWindow ? "alive" : "lost"
            return WorkersPage.WorkerRow(
                id: worker.id.uuidString.lowercased(), host: worker.host, pid: worker.pid, version: worker.version,
                slotsUsed: slots[worker.id] ?? 0, concurrency: worker.concurrency, kinds: worker.kinds.joined(separator: ", "),
                started: ConsoleFormat.time(worker.startedAt),
                lastSeen: "\(ConsoleFormat.time(worker.lastSeenAt)) (\(ConsoleFormat.duration(seconds: now.timeIntervalSince(worker.lastSeenAt))) ago)",
                state: state, stateLabel: state == "stopped" ? "stopped \(ConsoleFormat.time(worker.stoppedAt))" : state)
        }
        let leader = lease.map { lease in
            let expired = lease.expiresAt <= now
            let remaining = ConsoleFormat.duration(seconds: abs(lease.expiresAt.timeIntervalSince(now)))
            return WorkersPage.Leader(host: lease.holderHost, pid: lease.holderPID, holderID: lease.holderID.uuidString.lowercased(),
                                      elected: ConsoleFormat.time(lease.electedAt),
                                      lease: expired ? "expired \(remaining) ago: no coordinator leads" : "expires in \(remaining)", expired: expired)
        }
        let page = WorkersPage(
            layout: ConsoleLayout(title: "Workers and queue", session: session), workers: rows, hasWorkers: !rows.isEmpty,
            includeStopped: includeStopped, toggleLink: includeStopped ? "/console/workers" : "/console/workers?stopped=true",
            toggleLabel: includeStopped ? "Hide stopped workers" : "Show stopped workers", leader: leader,
            kinds: queue.map { entry in
                WorkersPage.KindRow(kind: entry.kind.rawValue, filterable: Self.jobKinds.contains(entry.kind.rawValue), waiting: ConsoleFormat.count(entry.waiting, cap: Self.queueCountCap),
                                    running: ConsoleFormat.count(entry.running, cap: Self.queueCountCap),
                                    retrying: ConsoleFormat.count(entry.retrying, cap: Self.queueCountCap),
                                    oldestWait: entry.oldestWaitSeconds.map { ConsoleFormat.duration(seconds: $0) } ?? "—")
            }, cap: Self.queueCountCap)
        return renderer.page("workers", page)
    }

    /// Refuses a staff-only page to a partner user (as the API refuses partner keys the same
    /// routes): a 403 page, audited.
    func requireStaff(_ session: ConsoleSession, request: Request, page: String) async throws {
        guard !session.user.role.isStaff else { return }
        try await refuse(session, request: request, reason: "role \(session.user.role.rawValue) may not see \(page)")
        throw ConsoleError(.forbidden, "Partner users see their own tenants only; \(page) is for the MSP's staff.")
    }
}
