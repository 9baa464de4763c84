import CCurl

/// `curl_global_init` must run once before any other libcurl call. A global `let` is initialised
/// exactly once, thread-safely, on first use.
private let curlGlobalInitCode: Int = Int(hf_curl_global_init_default().rawValue)

enum CurlGlobal {
    /// Runs `curl_global_init` if it has not run yet; throws if it failed.
    static func ensureInitialized() throws(HTTPClientError) {
        let code = curlGlobalInitCode
        guard code == Int(CURLE_OK.rawValue) else {
            throw HTTPClientError(
                code: .other,
                message: "libcurl failed to initialise",
                curlCode: code,
                curlMessage: String(cString: curl_easy_strerror(CURLcode(UInt32(code))))
            )
        }
    }
}
