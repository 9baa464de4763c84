import Foundation

/// The pool's bookkeeping as a pure state machine: callers hold the lock only to compute an
/// action, and perform it (connect, close, resume a waiter) after releasing the lock.
struct ConnectionPoolState<Connection: AnyObject, Waiter> {
    struct Idle {
        var connection: Connection
        var since: ContinuousClock.Instant
    }

    enum LeaseAction {
        /// Use this idle connection (check it is alive if it idled for a while).
        case use(Connection, idleFor: Duration)
        /// A slot is reserved: open a new connection.
        case create
        /// Wait; the waiter was queued.
        case wait
        case fail(PostgresError)
    }

    enum ReleaseAction {
        case none
        /// Give this connection to the waiter.
        case handOver(Connection, Waiter)
        /// A slot freed and a waiter is queued: that waiter should open a new connection.
        case createFor(Waiter)
    }

    private(set) var idle: [Idle] = []
    /// Connections open or being opened, leased or idle.
    private(set) var open = 0
    private(set) var leased = 0
    private(set) var waiters: [(id: Int, waiter: Waiter)] = []
    private(set) var isShutDown = false
    let maxConnections: Int

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    mutating func lease(waiterID: Int, waiter: Waiter, now: ContinuousClock.Instant) -> LeaseAction {
        if isShutDown { return .fail(PostgresError(code: .poolShutDown, message: "the connection pool was shut down")) }
        if let last = idle.popLast() {
            leased += 1
            return .use(last.connection, idleFor: now - last.since)
        }
        if open < maxConnections {
            open += 1
            leased += 1
            return .create
        }
        waiters.append((waiterID, waiter))
        return .wait
    }

    /// A leased connection comes back healthy.
    mutating func release(_ connection: Connection, now: ContinuousClock.Instant) -> ReleaseAction {
        if !waiters.isEmpty {
            let next = waiters.removeFirst()
            return .handOver(connection, next.waiter)
        }
        leased -= 1
        idle.append(Idle(connection: connection, since: now))
        return .none
    }

    /// A leased connection was discarded (broken) or could not be opened.
    mutating func discard() -> ReleaseAction {
        if !waiters.isEmpty, !isShutDown {
            let next = waiters.removeFirst()
            return .createFor(next.waiter)
        }
        open -= 1
        leased -= 1
        return .none
    }

    mutating func cancelWaiter(id: Int) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).waiter
    }

    /// Removes idle connections unused for longer than `timeout`; returns them to be closed.
    mutating func expireIdle(olderThan timeout: Duration, now: ContinuousClock.Instant) -> [Connection] {
        var expired: [Connection] = []
        idle.removeAll { entry in
            if now - entry.since > timeout {
                expired.append(entry.connection)
                return true
            }
            return false
        }
        open -= expired.count
        return expired
    }

    /// Marks the pool shut down; returns idle connections to close and waiters to fail.
    mutating func shutDown() -> (idle: [Connection], waiters: [Waiter]) {
        isShutDown = true
        let connections = idle.map(\.connection)
        open -= connections.count
        idle.removeAll()
        let pending = waiters.map(\.waiter)
        waiters.removeAll()
        return (connections, pending)
    }
}

extension ConnectionPoolState: Sendable where Connection: Sendable, Waiter: Sendable {}
extension ConnectionPoolState.Idle: Sendable where Connection: Sendable {}
