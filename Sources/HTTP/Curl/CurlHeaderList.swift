import CCurl

/// Owns a `curl_slist` of request header lines and frees it exactly once. libcurl does not copy
/// `CURLOPT_HTTPHEADER`, so the list must outlive the transfer that uses it.
final class CurlHeaderList {
    private(set) var pointer: UnsafeMutablePointer<curl_slist>?

    init() {
        self.pointer = nil
    }

    /// Appends one `Name: value` line; false when libcurl could not allocate.
    func append(_ line: String) -> Bool {
        guard let extended = curl_slist_append(self.pointer, line) else {
            return false
        }
        self.pointer = extended
        return true
    }

    deinit {
        curl_slist_free_all(self.pointer)
    }
}
