public import Logging
import NIOConcurrencyHelpers
import NIOPosix
import CLibPQ
import Foundation

/// A bounded pool of PostgreSQL connections and the entry point for every query Holdfast makes.
///
/// It never opens more than `configuration.maxConnections` sessions; callers beyond that wait in
/// FIFO order. Connections that broke (server restart, network) are discarded, and idle ones are
/// checked before reuse, so the pool recovers on its own once the server is back.
public final class PostgresClient: Sendable {
    public let configuration: PostgresConfiguration
    let threadPool: NIOThreadPool
    let logger: Logger
    private typealias Waiter = CheckedContinuation<LeaseOutcome, any Error>
    private let state: NIOLockedValueBox<ConnectionPoolState<PostgresConnection, Waiter>>
    private let nextWaiterID = NIOLockedValueBox(0)

    public init(configuration: PostgresConfiguration, logger: Logger) {
        precondition(configuration.maxConnections > 0, "maxConnections must be positive")
        self.configuration = configuration
        self.logger = logger
        // One thread per connection, plus one for connects and liveness checks while all are busy.
        self.threadPool = NIOThreadPool(numberOfThreads: configuration.maxConnections + 1)
        self.threadPool.start()
        self.state = NIOLockedValueBox(ConnectionPoolState(maxConnections: configuration.maxConnections))
    }

    /// Connections currently open (leased or idle).
    public var openConnections: Int { state.withLockedValue { $0.open } }
    /// Connections currently handed out.
    public var leasedConnections: Int { state.withLockedValue { $0.leased } }

    // MARK: - Using connections

    /// Leases a connection for the duration of `body`. A connection left inside a transaction is
    /// rolled back; a broken one is discarded.
    ///
    /// `logger`: the caller's, so every statement run on the connection logs with the caller's
    /// metadata (`job.id`, `request.id`); the client's own logger when nil.
    public func withConnection<T: Sendable>(
        logger: Logger? = nil,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let logger = logger ?? self.logger
        let connection = try await lease(logger: logger)
        connection.adopt(logger: logger)
        do {
            let result = try await body(connection)
            await release(connection)
            return result
        } catch {
            await release(connection)
            throw error
        }
    }

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws.
    public func withTransaction<T: Sendable>(
        isolation: TransactionIsolation = .readCommitted,
        logger: Logger? = nil,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await withConnection(logger: logger) { connection in
            try await connection.withTransaction(isolation: isolation, body)
        }
    }

    /// Runs one statement on a pooled connection, logging with `logger` (the client's when nil).
    @discardableResult
    public func query(_ query: PostgresQuery, logger: Logger? = nil) async throws -> PostgresResult {
        try await withConnection(logger: logger) { try await $0.query(query) }
    }

    // MARK: - Lease and release

    /// What a lease gets: a connection that was idle (for how long), or a reserved slot to fill.
    enum LeaseOutcome: Sendable {
        case idle(PostgresConnection, idleFor: Duration)
        case reserved
    }

    func lease(logger: Logger) async throws -> PostgresConnection {
        try Task.checkCancellation()
        let waiterID = nextWaiterID.withLockedValue { value -> Int in value += 1; return value }
        let outcome: LeaseOutcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                let action = state.withLockedValue { $0.lease(waiterID: waiterID, waiter: continuation, now: .now) }
                switch action {
                case .use(let connection, let idleFor): continuation.resume(returning: .idle(connection, idleFor: idleFor))
                case .create: continuation.resume(returning: .reserved)
                case .wait: break
                case .fail(let error): continuation.resume(throwing: error)
                }
            }
        } onCancel: {
            let waiter = state.withLockedValue { $0.cancelWaiter(id: waiterID) }
            waiter?.resume(throwing: CancellationError())
        }
        switch outcome {
        case .idle(let connection, let idleFor):
            // A connection that sat idle may have been closed by a server restart: check before use.
            if idleFor < .milliseconds(250) { return connection }
            if await connection.isAlive() { return connection }
            logger.debug("replacing a pooled PostgreSQL connection the server closed while it was idle")
            await connection.close()
            return try await openReserved(logger: logger)
        case .reserved:
            return try await openReserved(logger: logger)
        }
    }

    /// Opens a connection into a slot already counted in `open`.
    private func openReserved(logger: Logger) async throws -> PostgresConnection {
        do {
            return try await PostgresConnection.connect(configuration: configuration, threadPool: threadPool, logger: logger)
        } catch {
            apply(state.withLockedValue { $0.discard() })
            throw error
        }
    }

    func release(_ connection: PostgresConnection) async {
        if !connection.isBroken {
            switch connection.transactionStatus() {
            case PQTRANS_IDLE:
                break
            case PQTRANS_INTRANS, PQTRANS_INERROR:
                // A cancelled caller's thread-pool work is dropped before it runs, so the rollback
                // runs detached from it; a connection still in a transaction is never pooled, or the
                // next user would run inside (and see the uncommitted writes of) someone else's.
                await Task.detached { try? await connection.executeScript("ROLLBACK") }.value
                if connection.transactionStatus() != PQTRANS_IDLE { await connection.close() }
            default:
                await connection.close()
            }
        }
        // Back in the pool, the connection logs as the pool, not as its last holder.
        connection.adopt(logger: logger)
        if connection.isBroken || state.withLockedValue({ $0.isShutDown }) {
            await connection.close()
            apply(state.withLockedValue { $0.discard() })
            return
        }
        apply(state.withLockedValue { $0.release(connection, now: .now) })
        let expired = state.withLockedValue {
            $0.expireIdle(olderThan: .seconds(configuration.idleTimeoutSeconds), now: .now)
        }
        for connection in expired { await connection.close() }
    }

    private func apply(_ action: ConnectionPoolState<PostgresConnection, Waiter>.ReleaseAction) {
        switch action {
        case .none:
            break
        case .handOver(let connection, let waiter):
            waiter.resume(returning: .idle(connection, idleFor: .zero))
        case .createFor(let waiter):
            waiter.resume(returning: .reserved)
        }
    }

    // MARK: - Shutdown

    /// Closes idle connections, fails waiters, and stops the blocking threads once leased
    /// connections are back. Call exactly once, after the last use.
    public func shutdown() async {
        let (idle, waiters) = state.withLockedValue { $0.shutDown() }
        for waiter in waiters {
            waiter.resume(throwing: PostgresError(code: .poolShutDown, message: "the connection pool was shut down"))
        }
        for connection in idle { await connection.close() }
        try? await threadPool.shutdownGracefully()
    }
}

/// Transaction isolation levels.
public enum TransactionIsolation: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

extension PostgresConnection {
    /// Runs `body` inside BEGIN … COMMIT on this connection, rolling back if it throws.
    public func withTransaction<T: Sendable>(
        isolation: TransactionIsolation = .readCommitted,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await executeScript("BEGIN ISOLATION LEVEL \(isolation.rawValue)")
        let value: T
        do {
            value = try await body(self)
        } catch {
            if !isBroken { try? await executeScript("ROLLBACK") }
            throw error
        }
        try await executeScript("COMMIT")
        return value
    }
}
