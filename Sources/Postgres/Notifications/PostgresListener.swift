import CLibPQ
import Foundation
import Logging
import Synchronization
import Threads

extension PostgresClient {
    /// LISTENs on `channels` on a dedicated session (not from the pool) and yields what arrives.
    ///
    /// The session lives on its own thread, waiting on its socket with `poll()`, so it never
    /// occupies the cooperative pool or a pooled connection. When the session breaks it reconnects
    /// with backoff and yields ``PostgresListenerEvent/listening`` again. Iteration ends when the
    /// consuming task is cancelled or stops iterating.
    ///
    /// A quiet session is indistinguishable from a dead one (a failover without a reset, a proxy
    /// that stopped forwarding, a pooler that dropped the LISTEN): every `checkEvery` it asks the
    /// server for `pg_listening_channels()`, and reconnects when the answer does not come within
    /// `checkTimeout` or does not name every channel.
    public func listen(to channels: [String], checkEvery: Duration = .seconds(30),
                       checkTimeout: Duration = .seconds(10)) -> AsyncStream<PostgresListenerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: PostgresListenerEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let stop = AtomicFlag()
        continuation.onTermination = { _ in stop.set() }
        let loop = ListenerLoop(
            configuration: configuration, channels: channels, checkEvery: checkEvery, checkTimeout: checkTimeout,
            continuation: continuation, stop: stop, logger: logger
        )
        DedicatedThread.start { loop.run() }
        return stream
    }
}

/// The body of a listener thread. Everything here runs on that one thread.
private struct ListenerLoop: Sendable {
    let configuration: PostgresConfiguration
    let channels: [String]
    let checkEvery: Duration
    let checkTimeout: Duration
    let continuation: AsyncStream<PostgresListenerEvent>.Continuation
    let stop: AtomicFlag
    let logger: Logger

    func run() {
        var backoff = 0.05
        while !stop.isSet {
            do {
                try session()
                backoff = 0.05
            } catch {
                if stop.isSet { break }
                continuation.yield(.disconnected)
                logger.warning("PostgreSQL LISTEN session failed; reconnecting", metadata: [
                    "error": "\(error)", "retry.after_s": "\(backoff)",
                ])
                sleepUnlessStopped(seconds: backoff)
                backoff = min(backoff * 2, 5)
            }
        }
        continuation.finish()
    }

    private func sleepUnlessStopped(seconds: Double) {
        var remaining = seconds
        while remaining > 0, !stop.isSet {
            let step = min(remaining, 0.1)
            usleep(useconds_t(step * 1_000_000))
            remaining -= step
        }
    }

    /// One connected session: LISTEN, then relay notifications until it breaks or we are stopped.
    private func session() throws {
        let connection = try LibPQConnect.open(configuration, applicationName: configuration.applicationName + "-listen")
        defer { PQfinish(connection) }
        for channel in channels {
            guard let quoted = PQescapeIdentifier(connection, channel, channel.utf8.count) else {
                throw PostgresError(code: .encoding, message: PostgresConnection.connectionErrorMessage(connection))
            }
            let sql = "LISTEN " + String(cString: quoted)
            PQfreemem(quoted)
            guard let result = PQexec(connection, sql) else {
                throw PostgresError(code: .connectionLost, message: PostgresConnection.connectionErrorMessage(connection))
            }
            let status = PQresultStatus(result)
            PQclear(result)
            guard status == PGRES_COMMAND_OK else {
                throw PostgresError(code: .server, message: PostgresConnection.connectionErrorMessage(connection))
            }
        }
        continuation.yield(.listening)
        let socket = PQsocket(connection)
        let clock = ContinuousClock()
        var lastCheck = clock.now
        while !stop.isSet {
            if clock.now - lastCheck >= self.checkEvery {
                try self.checkStillListening(connection, socket: socket)
                lastCheck = clock.now
            }
            guard try self.waitReadable(socket, milliseconds: 100) else { continue }
            guard PQconsumeInput(connection) == 1 else {
                throw PostgresError(code: .connectionLost, message: PostgresConnection.connectionErrorMessage(connection))
            }
            self.relayNotifications(connection)
            if PQstatus(connection) != CONNECTION_OK {
                throw PostgresError(code: .connectionLost, message: PostgresConnection.connectionErrorMessage(connection))
            }
        }
    }

    private func relayNotifications(_ connection: OpaquePointer) {
        while let notify = PQnotifies(connection) {
            let event = PostgresNotification(
                channel: String(cString: notify.pointee.relname),
                payload: String(cString: notify.pointee.extra),
                processID: notify.pointee.be_pid
            )
            PQfreemem(notify)
            continuation.yield(.notification(event))
        }
    }

    /// Whether `socket` has input within `milliseconds`.
    private func waitReadable(_ socket: Int32, milliseconds: Int32) throws -> Bool {
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, milliseconds)
        if ready < 0 {
            if errno == EINTR { return false }
            throw PostgresError(code: .connectionLost, message: "poll failed: \(String(cString: strerror(errno)))")
        }
        return ready > 0
    }

    /// Sends `SELECT pg_listening_channels()` without blocking and waits at most `checkTimeout` for
    /// the answer; throws (so the loop reconnects) when none comes or a channel is missing.
    private func checkStillListening(_ connection: OpaquePointer, socket: Int32) throws {
        guard PQsendQuery(connection, "SELECT pg_listening_channels()") == 1 else {
            throw PostgresError(code: .connectionLost, message: PostgresConnection.connectionErrorMessage(connection))
        }
        let clock = ContinuousClock()
        let deadline = clock.now + self.checkTimeout
        var listening = Set<String>()
        var failure: String?
        while true {
            while PQisBusy(connection) == 1 {
                guard !stop.isSet else { return }
                guard clock.now < deadline else {
                    throw PostgresError(code: .connectionLost, message: "the LISTEN session did not answer its check within \(self.checkTimeout)")
                }
                if try self.waitReadable(socket, milliseconds: 100), PQconsumeInput(connection) != 1 {
                    throw PostgresError(code: .connectionLost, message: PostgresConnection.connectionErrorMessage(connection))
                }
            }
            guard let result = PQgetResult(connection) else { break }
            defer { PQclear(result) }
            guard PQresultStatus(result) == PGRES_TUPLES_OK else {
                failure = PostgresConnection.connectionErrorMessage(connection)
                continue
            }
            for row in 0..<PQntuples(result) {
                if let value = PQgetvalue(result, row, 0) { listening.insert(String(cString: value)) }
            }
        }
        self.relayNotifications(connection)
        if let failure { throw PostgresError(code: .connectionLost, message: "the LISTEN check failed: \(failure)") }
        let missing = Set(self.channels).subtracting(listening)
        guard missing.isEmpty else {
            throw PostgresError(code: .connectionLost, message: "the session no longer listens on \(missing.sorted().joined(separator: ", "))")
        }
    }
}
