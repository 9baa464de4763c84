import CLibPQ
import NIOConcurrencyHelpers

/// Owns one `PGconn*` and frees it exactly once.
///
/// `@unchecked Sendable` is sound because the pointer (and `preparedStatements`, which describes
/// that session) is only read or used inside `withConnection`, which holds `lock` for the whole libpq call: libpq requires that one `PGconn` is not used by two
/// threads at once, and the lock is what guarantees it. `cancelHandle` is a separate `PGcancel*`,
/// which libpq documents as safe to use from another thread while a query runs (`PQcancel`).
final class PGConnectionHandle: @unchecked Sendable {
    private let lock = NIOLock()
    private var connection: OpaquePointer?
    /// Statement text → name of the server-side prepared statement on this session.
    private var preparedStatements: [String: String] = [:]
    private let cancelLock = NIOLock()
    private var cancelHandle: OpaquePointer?

    init(connection: OpaquePointer) {
        self.connection = connection
        self.cancelHandle = PQgetCancel(connection)
    }

    /// Runs `body` with the connection while holding the lock. Call only from a blocking-pool thread.
    func withConnection<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        try lock.withLock {
            guard let connection else {
                throw PostgresError(code: .clientClosed, message: "the connection was closed")
            }
            return try body(connection)
        }
    }

    /// `withConnection`, with this session's prepared statements (guarded by the same lock).
    func withConnection<T>(_ body: (OpaquePointer, inout [String: String]) throws -> T) throws -> T {
        try lock.withLock {
            guard let connection else {
                throw PostgresError(code: .clientClosed, message: "the connection was closed")
            }
            return try body(connection, &preparedStatements)
        }
    }

    /// Asks the server to cancel the statement in progress, if any. Safe from any thread.
    func requestCancel() {
        cancelLock.withLock {
            guard let cancelHandle else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(cancelHandle, &buffer, Int32(buffer.count))
        }
    }

    /// Closes the connection. Blocking (sends Terminate); idempotent.
    func close() {
        cancelLock.withLock {
            if let cancelHandle { PQfreeCancel(cancelHandle) }
            cancelHandle = nil
        }
        lock.withLock {
            if let connection { PQfinish(connection) }
            connection = nil
        }
    }

    deinit {
        if let cancelHandle { PQfreeCancel(cancelHandle) }
        if let connection { PQfinish(connection) }
    }
}
