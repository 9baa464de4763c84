import Migrations
import Synchronization

/// `/readyz`'s answer, computed at most once per `interval` however many callers ask: it is
/// anonymous, so each call must not cost the database more than a small read. Only applied
/// versions are compared with this build's migrations; their checksums are verified where the
/// schema changes (`holdfast migrate`), not per probe.
final class ReadinessCheck: Sendable {
    struct Result: Sendable {
        var schemaVersion: Int?
        var pending: [Int]
        /// The error's type when the database could not be asked.
        var failure: String?
    }

    private let runner: MigrationRunner
    private let interval: Duration
    private let state = Mutex<State>(State())

    private struct State {
        var last: (result: Result, at: ContinuousClock.Instant)?
        /// The check in flight, which later callers wait for instead of starting their own.
        var running: Task<Result, Never>?
    }

    init(runner: MigrationRunner, interval: Duration = .seconds(1)) {
        self.runner = runner
        self.interval = interval
    }

    func result() async -> Result {
        let now = ContinuousClock.now
        enum Next { case cached(Result), wait(Task<Result, Never>) }
        let next: Next = state.withLock { state in
            if let last = state.last, now - last.at < interval { return .cached(last.result) }
            if let running = state.running { return .wait(running) }
            let runner = runner
            // One check for every caller that arrives while it runs; it is not cancelled with the
            // first caller, since the others wait for it too.
            let running = Task { await Self.check(runner) }
            state.running = running
            return .wait(running)
        }
        let task: Task<Result, Never>
        switch next {
        case .cached(let result): return result
        case .wait(let running): task = running
        }
        let result = await task.value
        state.withLock { state in
            if state.running == task {
                state.running = nil
                state.last = (result, .now)
            }
        }
        return result
    }

    private static func check(_ runner: MigrationRunner) async -> Result {
        do {
            let applied = try await runner.appliedVersions()
            let pending = runner.migrations.map(\.version).filter { !applied.contains($0) }
            return Result(schemaVersion: applied.max() ?? 0, pending: pending, failure: nil)
        } catch {
            runner.logger.warning("readiness check failed", metadata: ["error": "\(error)"])
            return Result(schemaVersion: nil, pending: [], failure: "\(type(of: error))")
        }
    }
}
