public import Logging

/// An HTTP/1.1 and HTTP/2 client over libcurl's multi interface.
///
/// One client drives one libcurl multi handle on its own dedicated thread: any number of
/// requests run at once on it, connections are kept and reused across requests (and
/// multiplexed over HTTP/2 where the server offers it over TLS), and nothing ever blocks Swift's
/// cooperative threads. Create one client per process (or per very different configuration) and
/// share it; call ``shutdown()`` when done.
///
/// ```swift
/// let client = try HTTPClient(configuration: .init(), logger: logger)
/// let response = try await client.execute(HTTPRequest(url: "https://graph.microsoft.com/v1.0/users"))
/// await client.shutdown()
/// ```
public final class HTTPClient: Sendable {
    public let configuration: Configuration
    private let loop: TransferLoop

    /// Starts the client's thread. Throws ``HTTPClientError/Code/invalidRequest`` for an invalid
    /// configuration (such as a non-positive timeout), ``HTTPClientError/Code/other`` when libcurl
    /// cannot be set up. (A thread that cannot be created stops the process, as everywhere in NIO.)
    public init(configuration: Configuration = Configuration(), logger: Logger) throws(HTTPClientError) {
        if let failure = configuration.validationFailure {
            throw HTTPClientError(code: .invalidRequest, message: "invalid HTTP client configuration: \(failure)")
        }
        try CurlGlobal.ensureInitialized()
        let loop = try TransferLoop(configuration: configuration, logger: logger)
        loop.start()
        self.configuration = configuration
        self.loop = loop
    }

    /// A client dropped without ``shutdown()`` still stops its thread; nothing can be in flight,
    /// since every ``execute(_:)`` holds the client until it returns.
    deinit {
        self.loop.stop(waiter: nil)
    }

    /// Sends `request` and returns the final response, whatever its status code.
    ///
    /// Throws ``HTTPClientError`` when no response arrived (see its codes), and
    /// `CancellationError` when the calling task is cancelled: the transfer is aborted at once.
    /// `logger`: the caller's, so the request's lines carry its metadata; the client's when nil.
    public func execute(_ request: HTTPRequest, logger: Logger? = nil) async throws -> HTTPResponse {
        if let failure = request.validationFailure {
            throw HTTPClientError(code: .invalidRequest, message: "invalid request: \(failure)", url: request.url)
        }
        let loop = self.loop
        let id = loop.register()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.submit(
                    QueuedTransfer(id: id, request: request, continuation: continuation, submittedAt: .now,
                                   logger: logger ?? loop.logger)
                )
            }
        } onCancel: {
            loop.cancel(id)
        }
    }

    /// Stops the client: requests not yet finished fail with ``HTTPClientError/Code/shutDown``,
    /// as does every later ``execute(_:)``. Returns once the thread has let go of libcurl.
    /// Calling it again is harmless.
    public func shutdown() async {
        await withCheckedContinuation { continuation in
            self.loop.stop(waiter: continuation)
        }
    }
}
