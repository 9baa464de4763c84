import COpenSSL

/// Reads OpenSSL's per-thread error queue.
///
/// Every public entry point of this module is synchronous, so an operation and the errors it queues
/// stay on one thread; each failure drains the queue into its `CryptoError` and each path that
/// tolerates an OpenSSL failure clears it. Entry points that can fail clear the queue first, because
/// other code on the thread (libcurl and libpq use OpenSSL too) may have left entries behind that
/// would otherwise be reported as this operation's.
enum OpenSSLErrorQueue {
    struct Entry: Sendable {
        /// OpenSSL's packed error code.
        let code: UInt
        /// `ERR_error_string_n` text, with the extra data OpenSSL attached, if any.
        let text: String

        var library: Int32 { ERR_GET_LIB(self.code) }
        var reason: Int32 { ERR_GET_REASON(self.code) }
    }

    /// Removes and returns every queued entry, oldest first.
    static func drain() -> [Entry] {
        var entries: [Entry] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            var data: UnsafePointer<CChar>?
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 {
                return entries
            }
            ERR_error_string_n(code, &buffer, buffer.count)
            var text = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if let data, flags & ERR_TXT_STRING != 0, data.pointee != 0 {
                text += " (\(String(cString: data)))"
            }
            entries.append(Entry(code: code, text: text))
        }
    }

    /// Discards every queued entry, for paths where an OpenSSL failure is an expected answer.
    static func clear() {
        ERR_clear_error()
    }
}
