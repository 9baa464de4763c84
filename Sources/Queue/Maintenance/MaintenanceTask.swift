public import Logging

/// A piece of queue upkeep the leader runs periodically. `runOnce()` is what tests call.
public protocol MaintenanceTask: Sendable {
    /// Short name for logs and metrics (`rescuer`, `promoter`, `pruner`).
    var name: String { get }
    /// How long to wait between runs.
    var interval: Duration { get }
    /// Does one round; returns how many rows it affected.
    func runOnce() async throws -> Int
    /// Called when the task stops being run (its coordinator stopped leading), to withdraw what
    /// only a running task should report (the default does nothing).
    func stopped()
}

extension MaintenanceTask {
    public func stopped() {}

    /// Runs `runOnce()` every `interval` until the task is cancelled. A failed round is logged and
    /// the loop carries on: a database outage must not stop maintenance for good.
    public func runPeriodically(logger: Logger) async {
        while !Task.isCancelled {
            do {
                let affected = try await runOnce()
                if affected > 0 {
                    logger.debug("maintenance round", metadata: ["maintenance.task": "\(name)", "maintenance.rows": "\(affected)"])
                }
            } catch is CancellationError {
                return
            } catch {
                if Task.isCancelled { return }
                logger.warning("maintenance round failed; will try again", metadata: [
                    "maintenance.task": "\(name)", "error": "\(error)",
                ])
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
