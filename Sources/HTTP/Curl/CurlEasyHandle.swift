import CCurl

/// Owns one libcurl easy handle (`CURL*`) and cleans it up exactly once, in `deinit`.
///
/// Not `Sendable`: it is created, configured, driven and destroyed on the transfer loop's thread.
final class CurlEasyHandle {
    let pointer: UnsafeMutableRawPointer

    init?() {
        guard let pointer = curl_easy_init() else {
            return nil
        }
        self.pointer = pointer
    }

    deinit {
        curl_easy_cleanup(self.pointer)
    }

    /// Forgets every option (and so every pointer into a transfer's buffers) while keeping the
    /// handle for reuse.
    func reset() {
        curl_easy_reset(self.pointer)
    }

    func set(_ option: CURLoption, _ value: Int) -> CURLcode {
        hf_curl_easy_setopt_long(self.pointer, option, value)
    }

    func set(_ option: CURLoption, _ value: Bool) -> CURLcode {
        hf_curl_easy_setopt_long(self.pointer, option, value ? 1 : 0)
    }

    /// For string options, which libcurl copies.
    func set(_ option: CURLoption, _ value: String) -> CURLcode {
        hf_curl_easy_setopt_str(self.pointer, option, value)
    }

    func set(_ option: CURLoption, offset value: Int64) -> CURLcode {
        hf_curl_easy_setopt_off(self.pointer, option, curl_off_t(value))
    }

    /// For pointer options that libcurl does not copy: the caller keeps `value` alive until the
    /// handle is reset or cleaned up.
    func set(_ option: CURLoption, pointer value: UnsafeRawPointer?) -> CURLcode {
        hf_curl_easy_setopt_ptr(self.pointer, option, value)
    }

    func set(_ option: CURLoption, list: CurlHeaderList) -> CURLcode {
        hf_curl_easy_setopt_slist(self.pointer, option, list.pointer)
    }

    func setWriteFunction(_ function: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int) -> CURLcode {
        hf_curl_easy_setopt_write(self.pointer, function)
    }

    func setHeaderFunction(_ function: @convention(c) (UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?) -> Int) -> CURLcode {
        hf_curl_easy_setopt_header(self.pointer, function)
    }

    func info(_ info: CURLINFO) -> Int? {
        var value = 0
        guard hf_curl_easy_getinfo_long(self.pointer, info, &value) == CURLE_OK else {
            return nil
        }
        return value
    }

    func stringInfo(_ info: CURLINFO) -> String? {
        var value: UnsafeMutablePointer<CChar>?
        guard hf_curl_easy_getinfo_ptr(self.pointer, info, &value) == CURLE_OK, let value else {
            return nil
        }
        return String(cString: value)
    }

    /// The `CURLOPT_PRIVATE` pointer of the easy handle at `pointer` (as the multi handle reports it).
    static func privatePointer(ofHandleAt pointer: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        var value: UnsafeMutableRawPointer?
        guard hf_curl_easy_getinfo_voidptr(pointer, CURLINFO_PRIVATE, &value) == CURLE_OK else {
            return nil
        }
        return value
    }
}
