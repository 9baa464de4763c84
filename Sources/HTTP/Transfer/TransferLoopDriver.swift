import CCurl
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The loop thread's half of the engine: it alone calls into the multi handle (other than to
/// wake it), owns the running transfers and a pool of idle easy handles, and resumes callers'
/// continuations. Connections are reused through the multi handle's connection cache.
final class TransferLoopDriver {
    private let loop: TransferLoop
    private var active: [TransferID: Transfer] = [:]
    /// Reset easy handles kept to skip re-allocating one per request.
    private var idleHandles: [CurlEasyHandle] = []
    private static let maxIdleHandles = 32
    /// libcurl shortens the wait to its own next timeout; this only bounds an idle wait.
    private static let pollTimeoutMilliseconds: Int32 = 1000

    init(loop: TransferLoop) {
        self.loop = loop
    }

    private var multi: CurlMultiHandle { self.loop.multi }
    private var logger: Logger { self.loop.logger }

    func run() {
        self.logger.debug("HTTP client loop started")
        while true {
            let inbox = self.loop.takeInbox()
            for id in inbox.cancellations {
                self.cancel(id)
            }
            for queued in inbox.submissions {
                self.start(queued)
            }
            if inbox.stopRequested {
                self.failAll { HTTPClientError.shutDown(url: $0.request.url) }
                break
            }

            let performCode = self.multi.perform()
            if performCode != CURLM_OK {
                self.failAfterMultiError(performCode, during: "curl_multi_perform")
                continue
            }
            self.multi.forEachCompletedTransfer { easy, code in
                self.complete(handleAt: easy, code: code)
            }
            let pollCode = self.multi.poll(timeoutMilliseconds: Self.pollTimeoutMilliseconds)
            if pollCode != CURLM_OK {
                self.failAfterMultiError(pollCode, during: "curl_multi_poll")
                // Do not spin if polling keeps failing.
                usleep(10_000)
            }
        }
        self.idleHandles.removeAll()
        self.logger.debug("HTTP client loop stopped")
        self.loop.loopDidStop()
    }

    // MARK: Transfers

    private func start(_ queued: QueuedTransfer) {
        guard let easy = self.idleHandles.popLast() ?? CurlEasyHandle() else {
            self.loop.finished(queued.id)
            queued.continuation.resume(
                throwing: HTTPClientError(code: .other, message: "libcurl could not create an easy handle", url: queued.request.url)
            )
            return
        }
        let transfer = Transfer(queued: queued, easy: easy, maxResponseBytes: queued.request.maxResponseBytes ?? self.loop.configuration.maxResponseBytes)
        do {
            try transfer.configure(with: self.loop.configuration)
        } catch {
            self.finish(transfer, with: .failure(error), attached: false)
            return
        }
        let addCode = self.multi.add(easy)
        guard addCode == CURLM_OK else {
            let error = HTTPClientError(
                code: .other,
                message: "libcurl could not start the transfer",
                curlMessage: CurlMultiHandle.describe(addCode),
                url: queued.request.url
            )
            self.finish(transfer, with: .failure(error), attached: false)
            return
        }
        self.active[transfer.id] = transfer
        transfer.logger.trace("HTTP request started", metadata: Self.metadata(for: transfer))
    }

    private func complete(handleAt pointer: UnsafeMutableRawPointer, code: CURLcode) {
        guard let context = CurlEasyHandle.privatePointer(ofHandleAt: pointer) else {
            preconditionFailure("a finished easy handle has no transfer")
        }
        let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
        guard self.active.removeValue(forKey: transfer.id) != nil else {
            return
        }
        let result: Result<HTTPResponse, any Error>
        if code == CURLE_OK {
            let response = transfer.makeResponse()
            var metadata = Self.metadata(for: transfer)
            metadata["http.status_code"] = "\(response.status)"
            metadata["http.version"] = "\(response.httpVersion)"
            metadata["http.response_bytes"] = "\(response.body.count)"
            transfer.logger.debug("HTTP request finished", metadata: metadata)
            result = .success(response)
        } else {
            let error = transfer.makeError(for: code)
            var metadata = Self.metadata(for: transfer)
            metadata["error.code"] = "\(error.code)"
            metadata["curl.code"] = "\(code.rawValue)"
            metadata["curl.message"] = "\(error.curlMessage ?? "")"
            transfer.logger.debug("HTTP request failed", metadata: metadata)
            result = .failure(error)
        }
        self.finish(transfer, with: result, attached: true)
    }

    private func cancel(_ id: TransferID) {
        guard let transfer = self.active.removeValue(forKey: id) else {
            return  // finished before the cancellation arrived
        }
        transfer.logger.debug("HTTP request cancelled", metadata: Self.metadata(for: transfer))
        self.finish(transfer, with: .failure(CancellationError()), attached: true)
    }

    private func failAll(_ makeError: (Transfer) -> any Error) {
        let transfers = self.active.values
        self.active.removeAll()
        for transfer in transfers {
            self.finish(transfer, with: .failure(makeError(transfer)), attached: true)
        }
    }

    private func failAfterMultiError(_ code: CURLMcode, during call: String) {
        let message = CurlMultiHandle.describe(code)
        self.logger.error(
            "libcurl's multi interface failed; failing the requests in flight",
            metadata: ["curl.call": "\(call)", "curl.message": "\(message)", "http.in_flight": "\(self.active.count)"]
        )
        self.failAll { transfer in
            HTTPClientError(code: .other, message: "\(call) failed", curlMessage: message, url: transfer.request.url)
        }
    }

    /// Detaches the easy handle (from the multi handle if `attached`), recycles it, and resumes
    /// the caller. Every transfer ends here exactly once.
    private func finish(_ transfer: Transfer, with result: Result<HTTPResponse, any Error>, attached: Bool) {
        if attached, let easy = transfer.easyHandle {
            let removeCode = self.multi.remove(easy)
            assert(removeCode == CURLM_OK, "curl_multi_remove_handle failed: \(CurlMultiHandle.describe(removeCode))")
        }
        if let easy = transfer.releaseEasyHandle(), self.idleHandles.count < Self.maxIdleHandles {
            self.idleHandles.append(easy)
        }
        self.loop.finished(transfer.id)
        transfer.continuation.resume(with: result)
    }

    private static func metadata(for transfer: Transfer) -> Logger.Metadata {
        [
            "http.method": "\(transfer.request.method)",
            "http.url": "\(redactedForDiagnostics(url: transfer.request.url))",
            "http.duration_ms": "\((ContinuousClock.now - transfer.startedAt).curlMilliseconds)",
        ]
    }
}
