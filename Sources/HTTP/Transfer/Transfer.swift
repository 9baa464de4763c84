import CCurl
#if canImport(Glibc)
import Glibc
#endif
import Logging

/// One request on the loop thread: the easy handle configured for it, the buffers libcurl
/// points into, the response as it arrives, and the continuation to resume once.
///
/// libcurl's callbacks receive `Unmanaged.passUnretained(self)` through `CURLOPT_WRITEDATA`,
/// `CURLOPT_HEADERDATA` and `CURLOPT_PRIVATE`. The strong reference is held by
/// `TransferLoopDriver.active` for as long as the easy handle is in the multi handle, and
/// ``releaseEasyHandle()`` (or `deinit`) resets the handle before the buffers are freed, so libcurl
/// never holds a pointer to a released transfer or buffer. No retain is handed to C, so there is
/// nothing to release by hand.
///
/// Not `Sendable`: created, driven and destroyed on the loop thread only.
final class Transfer {
    let id: TransferID
    /// The request as submitted, without its body once that is copied into ``uploadBuffer`` (so
    /// a caller that wipes its body after the call wipes the only other copy, see `configureBody`).
    private(set) var request: HTTPRequest
    let continuation: ResponseContinuation
    let startedAt: ContinuousClock.Instant
    /// The caller's logger (see ``QueuedTransfer/logger``).
    let logger: Logger
    private let maxResponseBytes: Int
    private var easy: CurlEasyHandle?
    private let headerList = CurlHeaderList()
    /// `CURLOPT_POSTFIELDS` is not copied by libcurl: the transfer owns the bytes.
    private var uploadBuffer: UnsafeMutableRawBufferPointer?
    /// `CURLOPT_ERRORBUFFER`: libcurl writes a NUL-terminated message here on failure.
    private let errorBuffer: UnsafeMutablePointer<CChar>

    private var responseHeaders: [HTTPHeaders.Field] = []
    private var responseBody: [UInt8] = []
    private var exceededMaxResponseBytes = false

    init(
        queued: QueuedTransfer,
        easy: CurlEasyHandle,
        maxResponseBytes: Int
    ) {
        self.id = queued.id
        self.request = queued.request
        self.continuation = queued.continuation
        self.startedAt = queued.submittedAt
        self.logger = queued.logger
        self.maxResponseBytes = maxResponseBytes
        self.easy = easy
        let errorBufferSize = Int(CURL_ERROR_SIZE) + 1
        self.errorBuffer = .allocate(capacity: errorBufferSize)
        self.errorBuffer.initialize(repeating: 0, count: errorBufferSize)
    }

    deinit {
        // Drop libcurl's pointers into our buffers before freeing them.
        self.easy?.reset()
        if let buffer = self.uploadBuffer {
            // Bodies may hold a client secret (token requests): zeroed in a way the optimiser keeps.
            if let base = buffer.baseAddress { explicit_bzero(base, buffer.count) }
            buffer.deallocate()
        }
        self.errorBuffer.deallocate()
    }

    /// The handle, while the transfer still has it.
    var easyHandle: CurlEasyHandle? { self.easy }

    /// Resets the easy handle (so it no longer points into this transfer) and hands it back for
    /// reuse. Call only after the handle has left the multi handle.
    func releaseEasyHandle() -> CurlEasyHandle? {
        guard let easy = self.easy else { return nil }
        easy.reset()
        self.easy = nil
        return easy
    }

    // MARK: Setup

    /// Applies every option for `request` under `configuration`.
    func configure(with configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        guard let easy = self.easy else {
            preconditionFailure("configure() after the easy handle was released")
        }
        let request = self.request
        let unmanagedSelf = Unmanaged.passUnretained(self).toOpaque()

        try self.check(easy.set(CURLOPT_URL, request.url), "URL")
        try self.check(easy.set(CURLOPT_PROTOCOLS_STR, "http,https"), "protocols")
        try self.check(easy.set(CURLOPT_REDIR_PROTOCOLS_STR, "http,https"), "redirect protocols")
        // Signals cannot be used for timeouts in a multi-threaded process.
        try self.check(easy.set(CURLOPT_NOSIGNAL, true), "NOSIGNAL")
        try self.check(easy.set(CURLOPT_ERRORBUFFER, pointer: self.errorBuffer), "error buffer")
        try self.check(easy.set(CURLOPT_PRIVATE, pointer: unmanagedSelf), "private data")
        try self.check(easy.setWriteFunction(transferWriteCallback), "write function")
        try self.check(easy.set(CURLOPT_WRITEDATA, pointer: unmanagedSelf), "write data")
        try self.check(easy.setHeaderFunction(transferHeaderCallback), "header function")
        try self.check(easy.set(CURLOPT_HEADERDATA, pointer: unmanagedSelf), "header data")

        try self.check(easy.set(CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.curlMilliseconds), "connect timeout")
        let total = request.timeout ?? configuration.totalTimeout
        try self.check(easy.set(CURLOPT_TIMEOUT_MS, total.curlMilliseconds), "timeout")
        try self.check(easy.set(CURLOPT_TCP_KEEPALIVE, true), "TCP keep-alive")
        if request.freshConnection {
            try self.check(easy.set(CURLOPT_FRESH_CONNECT, true), "fresh connection")
            try self.check(easy.set(CURLOPT_FORBID_REUSE, true), "forbid reuse")
        }
        try self.check(easy.set(CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS), "HTTP version")
        // Prefer a stream on an existing HTTP/2 connection over opening another connection.
        try self.check(easy.set(CURLOPT_PIPEWAIT, true), "PIPEWAIT")

        if configuration.insecureSkipTLSVerification {
            try self.check(easy.set(CURLOPT_SSL_VERIFYPEER, 0), "TLS peer verification")
            try self.check(easy.set(CURLOPT_SSL_VERIFYHOST, 0), "TLS host verification")
        } else {
            try self.check(easy.set(CURLOPT_SSL_VERIFYPEER, 1), "TLS peer verification")
            try self.check(easy.set(CURLOPT_SSL_VERIFYHOST, 2), "TLS host verification")
        }
        if let caBundlePath = configuration.caBundlePath {
            try self.check(easy.set(CURLOPT_CAINFO, caBundlePath), "CA bundle")
        }
        if let userAgent = configuration.userAgent {
            try self.check(easy.set(CURLOPT_USERAGENT, userAgent), "User-Agent")
        }
        if configuration.acceptCompressedResponses {
            // An empty string means every encoding this libcurl was built to decode.
            try self.check(easy.set(CURLOPT_ACCEPT_ENCODING, ""), "Accept-Encoding")
        }
        switch request.redirectPolicy ?? configuration.redirectPolicy {
        case .doNotFollow:
            try self.check(easy.set(CURLOPT_FOLLOWLOCATION, false), "redirects")
        case .follow(let maxRedirects):
            try self.check(easy.set(CURLOPT_FOLLOWLOCATION, true), "redirects")
            try self.check(easy.set(CURLOPT_MAXREDIRS, maxRedirects), "maximum redirects")
        }
        // Lets libcurl refuse at once a response whose Content-Length is over the limit. Not for
        // HEAD, whose Content-Length describes a body that never comes (libcurl would refuse it).
        if request.method != .head {
            try self.check(easy.set(CURLOPT_MAXFILESIZE_LARGE, offset: Int64(self.maxResponseBytes)), "maximum response size")
        }

        try self.configureMethodAndBody(easy)
        try self.configureHeaders(easy)

        if let awsSigV4 = request.awsSigV4 {
            try self.check(easy.set(CURLOPT_AWS_SIGV4, awsSigV4), "AWS SigV4")
        }
        if let credentials = request.credentials {
            try self.check(easy.set(CURLOPT_USERNAME, credentials.username), "user name")
            try self.check(easy.set(CURLOPT_PASSWORD, credentials.password), "password")
        }
    }

    private func configureMethodAndBody(_ easy: CurlEasyHandle) throws(HTTPClientError) {
        let method = self.request.method
        switch method {
        case .head:
            try self.check(easy.set(CURLOPT_NOBODY, true), "HEAD")
            return
        case .get where self.request.body == nil:
            try self.check(easy.set(CURLOPT_HTTPGET, true), "GET")
            return
        case .post:
            break
        default:
            try self.check(easy.set(CURLOPT_CUSTOMREQUEST, method.rawValue), "method")
        }
        let alwaysSendsLength = method == .post || method == .put || method == .patch
        guard self.request.body != nil || alwaysSendsLength else {
            return
        }
        let body = self.request.body ?? []
        // One byte at least, so an empty body still has a valid pointer.
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(body.count, 1), alignment: 1)
        buffer.copyBytes(from: body)
        self.uploadBuffer = buffer
        self.request.body = nil
        // The size first: without it libcurl would take strlen() of the body.
        try self.check(easy.set(CURLOPT_POSTFIELDSIZE_LARGE, offset: Int64(body.count)), "body size")
        try self.check(easy.set(CURLOPT_POSTFIELDS, pointer: buffer.baseAddress), "body")
    }

    private func configureHeaders(_ easy: CurlEasyHandle) throws(HTTPClientError) {
        var lines: [String] = []
        lines.reserveCapacity(self.request.headers.count + 2)
        for field in self.request.headers {
            // "Name:" would tell libcurl to drop the header; "Name;" sends it empty.
            lines.append(field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)")
        }
        // libcurl adds "Expect: 100-continue" to large bodies, costing a round trip (or a 1 s wait
        // on servers that ignore it), and "Content-Type: application/x-www-form-urlencoded" to
        // every body; neither is ours to send unless the caller asks.
        if !self.request.headers.contains("Expect") {
            lines.append("Expect:")
        }
        if !self.request.headers.contains("Content-Type") {
            lines.append("Content-Type:")
        }
        for line in lines where !self.headerList.append(line) {
            throw HTTPClientError(code: .other, message: "out of memory building request headers", url: self.request.url)
        }
        try self.check(easy.set(CURLOPT_HTTPHEADER, list: self.headerList), "headers")
    }

    private func check(_ code: CURLcode, _ what: String) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw HTTPClientError(
                code: code == CURLE_OUT_OF_MEMORY ? .other : .invalidRequest,
                message: "libcurl refused the request's \(what) option",
                curlCode: Int(code.rawValue),
                curlMessage: String(cString: curl_easy_strerror(code)),
                url: self.request.url
            )
        }
    }

    // MARK: Callbacks (loop thread, inside curl_multi_perform)

    fileprivate func receiveHeaderLine(_ bytes: UnsafeRawBufferPointer) {
        var line = bytes[...]
        while let last = line.last, last == UInt8(ascii: "\r") || last == UInt8(ascii: "\n") {
            line = line.dropLast()
        }
        if line.isEmpty {
            return  // the blank line that ends a header block
        }
        if line.starts(with: "HTTP/".utf8) {
            // A new status line: 1xx, a followed redirect, or a proxy's CONNECT reply came before.
            // Only the final response's headers and body are kept.
            self.responseHeaders.removeAll(keepingCapacity: true)
            self.responseBody.removeAll(keepingCapacity: true)
            return
        }
        if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            // Obsolete line folding continues the previous field.
            if !self.responseHeaders.isEmpty {
                let continuation = String(decoding: line, as: UTF8.self).trimmingHTTPWhitespace()
                self.responseHeaders[self.responseHeaders.count - 1].value += " " + continuation
            }
            return
        }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
            return
        }
        let name = String(decoding: line[..<colon], as: UTF8.self).trimmingHTTPWhitespace()
        let value = String(decoding: line[line.index(after: colon)...], as: UTF8.self).trimmingHTTPWhitespace()
        self.responseHeaders.append(HTTPHeaders.Field(name: name, value: value))
        if self.request.method != .head, name.isEqualIgnoringASCIICase("Content-Length"),
            let length = Int(value), length > 0
        {
            self.responseBody.reserveCapacity(min(length, self.maxResponseBytes))
        }
    }

    /// False when the body would pass the limit: the write callback then fails the transfer.
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= self.maxResponseBytes - self.responseBody.count else {
            self.exceededMaxResponseBytes = true
            return false
        }
        self.responseBody.append(contentsOf: bytes)
        return true
    }

    // MARK: Outcome

    func makeResponse() -> HTTPResponse {
        guard let easy = self.easy else {
            preconditionFailure("makeResponse() after the easy handle was released")
        }
        let version: HTTPVersion
        switch easy.info(CURLINFO_HTTP_VERSION) {
        case CURL_HTTP_VERSION_1_0: version = .http1_0
        case CURL_HTTP_VERSION_2_0: version = .http2
        case CURL_HTTP_VERSION_3: version = .http3
        default: version = .http1_1
        }
        return HTTPResponse(
            status: easy.info(CURLINFO_RESPONSE_CODE) ?? 0,
            headers: HTTPHeaders(fields: self.responseHeaders),
            body: self.responseBody,
            httpVersion: version,
            effectiveURL: easy.stringInfo(CURLINFO_EFFECTIVE_URL) ?? self.request.url,
            newConnections: easy.info(CURLINFO_NUM_CONNECTS) ?? 0
        )
    }

    func makeError(for code: CURLcode) -> HTTPClientError {
        let bufferMessage = String(cString: self.errorBuffer)
        let curlMessage = bufferMessage.isEmpty ? String(cString: curl_easy_strerror(code)) : bufferMessage
        let (errorCode, message) = Self.classify(code, exceededMaxResponseBytes: self.exceededMaxResponseBytes, maxResponseBytes: self.maxResponseBytes)
        return HTTPClientError(
            code: errorCode,
            message: message,
            curlCode: Int(code.rawValue),
            curlMessage: curlMessage,
            url: self.request.url
        )
    }

    static func classify(
        _ code: CURLcode,
        exceededMaxResponseBytes: Bool,
        maxResponseBytes: Int
    ) -> (HTTPClientError.Code, String) {
        switch code {
        case CURLE_WRITE_ERROR where exceededMaxResponseBytes, CURLE_FILESIZE_EXCEEDED:
            return (.responseTooLarge, "the response body is larger than maxResponseBytes (\(maxResponseBytes) bytes)")
        case CURLE_COULDNT_CONNECT:
            return (.connectionRefused, "could not connect")
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY:
            return (.couldNotResolveHost, "could not resolve the host")
        case CURLE_OPERATION_TIMEDOUT:
            return (.timedOut, "the request timed out")
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM,
            CURLE_SSL_CIPHER, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND,
            CURLE_SSL_ENGINE_SETFAILED, CURLE_SSL_ENGINE_INITFAILED, CURLE_SSL_SHUTDOWN_FAILED,
            CURLE_SSL_CRL_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
            CURLE_SSL_INVALIDCERTSTATUS, CURLE_USE_SSL_FAILED, CURLE_SSL_CLIENTCERT:
            return (.tlsFailure, "TLS failed")
        case CURLE_SEND_ERROR:
            return (.sendFailed, "sending the request failed")
        case CURLE_RECV_ERROR, CURLE_GOT_NOTHING, CURLE_PARTIAL_FILE, CURLE_HTTP2_STREAM:
            return (.recvFailed, "receiving the response failed")
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL, CURLE_BAD_FUNCTION_ARGUMENT:
            return (.invalidRequest, "libcurl refused the request")
        case CURLE_ABORTED_BY_CALLBACK:
            return (.cancelled, "the transfer was aborted")
        default:
            return (.other, "the request failed")
        }
    }
}

extension String {
    /// Without leading and trailing spaces and tabs (RFC 9110 OWS).
    fileprivate func trimmingHTTPWhitespace() -> String {
        let isWhitespace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let start = self.firstIndex(where: { !isWhitespace($0) }),
            let end = self.lastIndex(where: { !isWhitespace($0) })
        else {
            return ""
        }
        return String(self[start...end])
    }
}

/// `CURLOPT_HEADERFUNCTION`: one header line per call, status lines and the blank line included.
private func transferHeaderCallback(
    _ data: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let context, let data else { return length }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: length))
    return length
}

/// `CURLOPT_WRITEFUNCTION`: returning anything but `length` fails the transfer with
/// `CURLE_WRITE_ERROR`.
private func transferWriteCallback(
    _ data: UnsafeMutablePointer<CChar>?,
    _ size: Int,
    _ count: Int,
    _ context: UnsafeMutableRawPointer?
) -> Int {
    let length = size * count
    guard let context, let data else { return length }
    let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
    guard transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: length)) else {
        return Int(CURL_WRITEFUNC_ERROR)
    }
    return length
}
