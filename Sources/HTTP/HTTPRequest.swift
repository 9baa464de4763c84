/// One HTTP request for ``HTTPClient/execute(_:)``.
public struct HTTPRequest: Sendable {
    /// User name and password that libcurl sends: as HTTP Basic authentication, or, when
    /// ``HTTPRequest/awsSigV4`` is set, as the access key id and secret key it signs with.
    public struct Credentials: Sendable, CustomStringConvertible {
        public var username: String
        public var password: String

        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        public var description: String { "Credentials(username: \(self.username), password: <redacted>)" }
    }

    public var method: HTTPMethod
    /// An absolute `http` or `https` URL. Other schemes are refused.
    public var url: String
    public var headers: HTTPHeaders
    /// The request body, sent with a `Content-Length`. `nil` sends none (but `POST`, `PUT` and
    /// `PATCH` always send `Content-Length: 0` at least). Not allowed with `HEAD`.
    public var body: [UInt8]?
    /// Overrides ``HTTPClient/Configuration/totalTimeout`` for this request. Must be positive.
    public var timeout: Duration?
    /// Overrides ``HTTPClient/Configuration/redirectPolicy`` for this request.
    public var redirectPolicy: HTTPClient.RedirectPolicy?
    /// libcurl's `CURLOPT_AWS_SIGV4` provider string, for example `aws:amz:eu-west-1:s3`: libcurl
    /// then signs the request with ``credentials`` (access key id and secret key).
    public var awsSigV4: String?
    public var credentials: Credentials?
    /// Opens a new connection for this request and closes it afterwards (libcurl's
    /// `CURLOPT_FRESH_CONNECT` and `CURLOPT_FORBID_REUSE`): a retry after a 503 or a network error
    /// must not go back over the connection that failed (Graph's best practices).
    public var freshConnection = false
    /// Overrides ``HTTPClient/Configuration/maxResponseBytes`` for this request (counted after
    /// decompression, so a compressed bomb fails as soon as it crosses the limit). Must not be
    /// negative.
    public var maxResponseBytes: Int?

    public init(
        method: HTTPMethod = .get,
        url: String,
        headers: HTTPHeaders = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// Why this request cannot be sent, or nil if it can.
    var validationFailure: String? {
        if !self.method.isValidToken {
            return "the method is not a valid HTTP token"
        }
        if self.url.isEmpty {
            return "the URL is empty"
        }
        if self.url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) {
            return "the URL contains spaces or control characters"
        }
        if let field = self.headers.firstInvalidField {
            return "header field '\(field.name.prefix(64))' has an invalid name or a value with CR, LF or NUL"
        }
        if self.method == .head, self.body != nil {
            return "a HEAD request cannot have a body"
        }
        if let timeout = self.timeout, timeout <= .zero {
            return "the timeout must be positive"
        }
        if let maxResponseBytes = self.maxResponseBytes, maxResponseBytes < 0 {
            return "maxResponseBytes must not be negative"
        }
        if case .follow(let maximum) = self.redirectPolicy, maximum < 0 {
            return "the maximum number of redirects must not be negative"
        }
        if let awsSigV4 = self.awsSigV4, awsSigV4.utf8.contains(0) {
            return "the SigV4 provider string contains NUL"
        }
        if let credentials = self.credentials,
            credentials.username.utf8.contains(0) || credentials.password.utf8.contains(0)
        {
            return "the credentials contain NUL"
        }
        return nil
    }
}

extension HTTPRequest: CustomStringConvertible {
    /// Safe to log: the URL without query or user info, credential-bearing headers redacted, the
    /// body's size rather than its bytes, no credentials.
    public var description: String {
        var text = "HTTPRequest(\(self.method) \(redactedForDiagnostics(url: self.url)), headers: \(self.headers)"
        if let body = self.body {
            text += ", \(body.count) body bytes"
        }
        return text + ")"
    }
}
