import CCurl

/// Owns the libcurl multi handle (`CURLM*`) and cleans it up exactly once, in `deinit`.
///
/// `@unchecked Sendable` is sound because of how the one owner, `TransferLoop`, uses it:
/// - ``wakeUp()`` is the only method called from other threads, and `curl_multi_wakeup` is
///   documented as safe to call from any thread at any time (curl_multi_wakeup(3)).
/// - every other method is called either by `TransferLoop.init` before the loop thread exists,
///   or by `TransferLoopDriver` on that thread, so libcurl never sees two threads inside the
///   handle at once.
/// - `curl_multi_cleanup` runs in `deinit`, when no thread holds a reference and so none can be
///   inside a call; the loop thread detaches every easy handle before it lets go of its reference.
final class CurlMultiHandle: @unchecked Sendable {
    private let pointer: UnsafeMutableRawPointer

    init?() {
        guard let pointer = curl_multi_init() else {
            return nil
        }
        self.pointer = pointer
    }

    deinit {
        curl_multi_cleanup(self.pointer)
    }

    /// Makes a running or the next `poll` return at once. Any thread.
    func wakeUp() {
        _ = curl_multi_wakeup(self.pointer)
    }

    // MARK: Loop thread only

    func set(_ option: CURLMoption, _ value: Int) -> CURLMcode {
        hf_curl_multi_setopt_long(self.pointer, option, value)
    }

    func add(_ easy: CurlEasyHandle) -> CURLMcode {
        curl_multi_add_handle(self.pointer, easy.pointer)
    }

    func remove(_ easy: CurlEasyHandle) -> CURLMcode {
        curl_multi_remove_handle(self.pointer, easy.pointer)
    }

    func perform() -> CURLMcode {
        var running: Int32 = 0
        return curl_multi_perform(self.pointer, &running)
    }

    /// Waits for socket activity, libcurl's next timeout, a ``wakeUp()``, or `timeoutMilliseconds`.
    func poll(timeoutMilliseconds: Int32) -> CURLMcode {
        curl_multi_poll(self.pointer, nil, 0, timeoutMilliseconds, nil)
    }

    /// Hands each finished transfer's easy handle pointer and result to `body`.
    func forEachCompletedTransfer(_ body: (UnsafeMutableRawPointer, CURLcode) -> Void) {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(self.pointer, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else {
                continue
            }
            body(easy, message.pointee.data.result)
        }
    }

    static func describe(_ code: CURLMcode) -> String {
        String(cString: curl_multi_strerror(code))
    }
}
