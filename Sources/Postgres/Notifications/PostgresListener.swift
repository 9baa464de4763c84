import CLibPQ
import Foundation
import Logging
import Synchronization

extension PostgresClient {
    /// LISTENs on `channels` on a dedicated session (not from the pool) and yields what arrives.
    ///
    /// The session lives on its own thread, waiting on its socket with `poll()`, so it never
    /// occupies the cooperative pool or a pooled connection. When the session breaks it reconnects
    /// with backoff and yields ``PostgresListenerEvent/listening`` again. Iteration ends when the
    /// consuming task is cancelled or stops iterating.
    public func listen(to channels: [String]) -> AsyncStream<PostgresListenerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: PostgresListenerEvent.self, bufferingPolicy: .bufferingNewest(4096))
        let stop = AtomicFlag()
        continuation.onTermination = { _ in stop.set() }
        let loop = ListenerLoop(
            configuration: configuration, channels: channels, continuation: continuation, stop: stop, logger: logger
        )
        let thread = Thread { loop.run() }
        thread.name = "holdfast-pg-listen"
        thread.start()
        return stream
    }
}

/// The body of a listener thread. Everything here runs on that one thread.
private struct ListenerLoop: Sendable {
    let configuration: PostgresConfiguration
    let channels: [String]
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
        while !stop.isSet {
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 100)
            if ready < 0 {
                if errno == EINTR { continue }
                throw PostgresError(code: .connectionLost, message: "poll failed: \(String(cString: strerror(errno)))")
            }
            if ready == 0 { continue }
            guard PQconsumeInput(connection) == 1 else {
                throw PostgresError(code: .connectionLost, message: PostgresConnection.connectionErrorMessage(connection))
            }
            while let notify = PQnotifies(connection) {
                let event = PostgresNotification(
                    channel: String(cString: notify.pointee.relname),
                    payload: String(cString: notify.pointee.extra),
                    processID: notify.pointee.be_pid
                )
                PQfreemem(notify)
                continuation.yield(.notification(event))
            }
            if PQstatus(connection) != CONNECTION_OK {
                throw PostgresError(code: .connectionLost, message: PostgresConnection.connectionErrorMessage(connection))
            }
        }
    }
}
