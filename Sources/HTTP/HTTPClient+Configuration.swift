extension HTTPClient {
    /// Whether libcurl follows `3xx` responses with a `Location`.
    public enum RedirectPolicy: Sendable, Hashable {
        /// Return the `3xx` response to the caller (the default: Graph clients handle redirects).
        case doNotFollow
        /// Follow at most `maxRedirects` redirects (http and https only), then fail with
        /// ``HTTPClientError/Code/other`` (`CURLE_TOO_MANY_REDIRECTS`). libcurl keeps a custom
        /// method across redirects and drops credentials when the host changes.
        case follow(maxRedirects: Int)
    }

    /// How an ``HTTPClient`` connects and what it accepts. Every property has a default that
    /// suits Microsoft Graph and S3.
    ///
    /// Proxies are not configured here: libcurl reads `HTTPS_PROXY`, `HTTP_PROXY` (lower-case
    /// `http_proxy` only), `ALL_PROXY` and `NO_PROXY` from the environment by itself, and this
    /// client leaves that on.
    public struct Configuration: Sendable {
        /// Longest time to establish a connection (TCP and TLS handshake). Default 10 s.
        public var connectTimeout: Duration = .seconds(10)
        /// Longest time for a whole request, from submission to the last body byte, including
        /// time spent queued for a free connection. Default 60 s; ``HTTPRequest/timeout``
        /// overrides it per request.
        public var totalTimeout: Duration = .seconds(60)
        /// Largest response body accepted, counted after decompression. A larger one fails with
        /// ``HTTPClientError/Code/responseTooLarge`` as soon as the limit is crossed (or at once,
        /// when `Content-Length` already says so). Default 64 MiB.
        public var maxResponseBytes: Int = 64 * 1024 * 1024
        /// A PEM file of trusted CA certificates. `nil` (the default) uses the system's bundle.
        public var caBundlePath: String?
        /// Turns off certificate and host name verification. For tests against self-signed
        /// servers only; never set it in production. Default `false`.
        public var insecureSkipTLSVerification: Bool = false
        /// Most connections open to one host at a time (`CURLMOPT_MAX_HOST_CONNECTIONS`); further
        /// requests wait for one to free up, or multiplex over HTTP/2. `0` means no limit.
        /// Default 8.
        public var maxConnectionsPerHost: Int = 8
        /// The `User-Agent` sent unless a request sets its own. `nil` sends none.
        /// Default `holdfast`.
        public var userAgent: String? = "holdfast"
        /// Default `.doNotFollow`; ``HTTPRequest/redirectPolicy`` overrides it per request.
        public var redirectPolicy: RedirectPolicy = .doNotFollow
        /// Sends `Accept-Encoding` for every encoding libcurl can decode (gzip, deflate, br, zstd)
        /// and decodes the body. Headers still describe the encoded body. Default `true`.
        public var acceptCompressedResponses: Bool = true

        public init() {}

        /// Why the configuration cannot be used, or nil.
        var validationFailure: String? {
            if self.connectTimeout <= .zero { return "connectTimeout must be positive" }
            if self.totalTimeout <= .zero { return "totalTimeout must be positive" }
            if self.maxResponseBytes < 0 { return "maxResponseBytes must not be negative" }
            if self.maxConnectionsPerHost < 0 { return "maxConnectionsPerHost must not be negative" }
            if case .follow(let maximum) = self.redirectPolicy, maximum < 0 {
                return "the maximum number of redirects must not be negative"
            }
            return nil
        }
    }
}

extension Duration {
    /// Whole milliseconds, rounded up so a positive duration never becomes 0 (which libcurl
    /// reads as "no timeout").
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        let millisecondsFromFraction = (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return Int.max }
        let (sum, overflow2) = product.addingReportingOverflow(millisecondsFromFraction)
        return overflow2 ? Int.max : Int(sum)
    }
}
