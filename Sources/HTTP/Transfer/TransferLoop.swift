import CCurl
import Logging
import NIOConcurrencyHelpers
import Threads

/// The shared half of the client's engine: the locked queue between callers and the loop thread,
/// and the multi handle that thread drives. Callers never block: they take the lock for a few
/// instructions and wake the thread.
final class TransferLoop: Sendable {
    let multi: CurlMultiHandle
    let configuration: HTTPClient.Configuration
    let logger: Logger
    /// A pthread mutex (NIOLock) rather than `Synchronization.Mutex`: ThreadSanitizer sees
    /// through it, and it needs no macOS 15.
    private let state = NIOLockedValueBox(TransferLoopState())

    init(configuration: HTTPClient.Configuration, logger: Logger) throws(HTTPClientError) {
        guard let multi = CurlMultiHandle() else {
            throw HTTPClientError(code: .other, message: "libcurl could not create a multi handle")
        }
        // Multiplex HTTP/2 streams over one connection (libcurl's default, stated for clarity).
        let multiplex = multi.set(CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        let perHost = multi.set(CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        for code in [multiplex, perHost] where code != CURLM_OK {
            throw HTTPClientError(
                code: .other,
                message: "libcurl refused a multi handle option",
                curlMessage: CurlMultiHandle.describe(code)
            )
        }
        self.multi = multi
        self.configuration = configuration
        self.logger = logger
    }

    /// Starts the dedicated thread that drives the multi handle until ``stop(waiter:)``.
    func start() {
        DedicatedThread.start { [self] in
            TransferLoopDriver(loop: self).run()
        }
    }

    // MARK: Callers (any thread)

    func register() -> TransferID {
        self.state.withLockedValue { $0.register() }
    }

    func submit(_ transfer: QueuedTransfer) {
        let action = self.state.withLockedValue { $0.submit(transfer) }
        switch action {
        case .wakeLoop:
            self.multi.wakeUp()
        case .fail(let continuation, cancelled: true):
            continuation.resume(throwing: CancellationError())
        case .fail(let continuation, cancelled: false):
            continuation.resume(throwing: HTTPClientError.shutDown(url: transfer.request.url))
        }
    }

    func cancel(_ id: TransferID) {
        let action = self.state.withLockedValue { $0.cancel(id) }
        switch action {
        case .none:
            break
        case .wakeLoop:
            self.multi.wakeUp()
        case .fail(let continuation):
            continuation.resume(throwing: CancellationError())
        }
    }

    /// Asks the thread to stop; `waiter` (if any) is resumed once it has.
    func stop(waiter: CheckedContinuation<Void, Never>?) {
        let action = self.state.withLockedValue { $0.stop(waiter: waiter) }
        switch action {
        case .none:
            break
        case .resumeWaiter:
            waiter?.resume()
        case .failQueuedAndWakeLoop(let continuations):
            for continuation in continuations {
                continuation.resume(throwing: HTTPClientError.shutDown(url: nil))
            }
            self.multi.wakeUp()
        }
    }

    // MARK: Loop thread

    func takeInbox() -> TransferLoopInbox {
        self.state.withLockedValue { $0.takeInbox() }
    }

    func finished(_ id: TransferID) {
        self.state.withLockedValue { $0.finished(id) }
    }

    func loopDidStop() {
        let waiters = self.state.withLockedValue { $0.loopDidStop() }
        for waiter in waiters {
            waiter.resume()
        }
    }
}
