/// The final response to an ``HTTPRequest``: after any `100 Continue`, and after redirects when
/// they are followed.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// The final response's header fields only, in order, repeated fields kept (trailer fields
    /// of a chunked body, if any, follow them).
    public var headers: HTTPHeaders
    /// The body as delivered by libcurl: decompressed when
    /// ``HTTPClient/Configuration/acceptCompressedResponses`` is on.
    public var body: [UInt8]
    public var httpVersion: HTTPVersion
    /// The URL the final response came from (differs from the request's when redirects were followed).
    public var effectiveURL: String
    /// Connections libcurl opened for this transfer (`CURLINFO_NUM_CONNECTS`): 0 when it reused
    /// one from the pool.
    public var newConnections: Int

    public init(status: Int, headers: HTTPHeaders, body: [UInt8], httpVersion: HTTPVersion, effectiveURL: String,
                newConnections: Int = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
        self.effectiveURL = effectiveURL
        self.newConnections = newConnections
    }
}

/// The protocol version a response was received with.
public struct HTTPVersion: Sendable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    public static let http1_0 = HTTPVersion(major: 1, minor: 0)
    public static let http1_1 = HTTPVersion(major: 1, minor: 1)
    public static let http2 = HTTPVersion(major: 2, minor: 0)
    public static let http3 = HTTPVersion(major: 3, minor: 0)

    public var description: String {
        self.major >= 2 ? "HTTP/\(self.major)" : "HTTP/\(self.major).\(self.minor)"
    }
}

extension HTTPResponse: CustomStringConvertible {
    /// The body's size rather than its bytes; credential-bearing headers redacted.
    public var description: String {
        "HTTPResponse(\(self.status), \(self.httpVersion), \(self.body.count) body bytes, headers: \(self.headers))"
    }
}
