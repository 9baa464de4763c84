/// An error thrown by ``HTTPClient``.
///
/// ``description`` is safe to show to a user: it names what failed and the URL without its query,
/// fragment or user info (which often carry signatures and tokens). Two errors are equal when their
/// codes are.
public struct HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case connectionRefused
            case couldNotResolveHost
            case timedOut
            case responseTooLarge
            case tlsFailure
            case sendFailed
            case recvFailed
            case cancelled
            case shutDown
            case invalidRequest
            case other
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// Nothing accepted the connection: refused, or no route to the host or port.
        public static let connectionRefused = Self(.connectionRefused)
        /// The host name (or the proxy's) did not resolve.
        public static let couldNotResolveHost = Self(.couldNotResolveHost)
        /// The connect timeout or the total timeout fired.
        public static let timedOut = Self(.timedOut)
        /// The body was larger than ``HTTPClient/Configuration/maxResponseBytes``.
        public static let responseTooLarge = Self(.responseTooLarge)
        /// TLS handshake failed or the peer's certificate did not verify.
        public static let tlsFailure = Self(.tlsFailure)
        /// Sending on the connection failed (for example, reset by the peer).
        public static let sendFailed = Self(.sendFailed)
        /// Receiving failed: reset by the peer, closed early, or nothing returned.
        public static let recvFailed = Self(.recvFailed)
        /// libcurl reports the transfer aborted by a callback. Swift task cancellation throws
        /// `CancellationError` instead.
        public static let cancelled = Self(.cancelled)
        /// The client was shut down before or while the request ran.
        public static let shutDown = Self(.shutDown)
        /// The request cannot be sent as given (method, URL, header, body or option).
        public static let invalidRequest = Self(.invalidRequest)
        /// Any other libcurl failure; ``HTTPClientError/curlCode`` tells which.
        public static let other = Self(.other)

        public var description: String { self.base.rawValue }
    }

    public let code: Code
    /// What went wrong, in our words.
    public let message: String
    /// libcurl's `CURLcode`, when libcurl reported the failure.
    public let curlCode: Int?
    /// libcurl's own explanation (`CURLOPT_ERRORBUFFER`, or `curl_easy_strerror`).
    public let curlMessage: String?
    /// The request's URL without query, fragment or user info.
    public let url: String?
    public let file: String
    public let line: Int

    init(
        code: Code,
        message: String,
        curlCode: Int? = nil,
        curlMessage: String? = nil,
        url: String? = nil,
        file: String = #fileID,
        line: Int = #line
    ) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.curlMessage = curlMessage
        self.url = url.map(redactedForDiagnostics(url:))
        self.file = file
        self.line = line
    }

    public var description: String {
        var text = "HTTPClientError.\(self.code): \(self.message)"
        if let url = self.url {
            text += " (\(url))"
        }
        if let curlMessage = self.curlMessage, !curlMessage.isEmpty {
            text += ": \(curlMessage)"
        }
        return text
    }

    public var debugDescription: String {
        var text = self.description
        if let curlCode = self.curlCode {
            text += " [CURLcode \(curlCode)]"
        }
        return text + " [\(self.file):\(self.line)]"
    }

    public static func == (lhs: HTTPClientError, rhs: HTTPClientError) -> Bool {
        lhs.code == rhs.code
    }

    static func shutDown(url: String?, file: String = #fileID, line: Int = #line) -> HTTPClientError {
        HTTPClientError(code: .shutDown, message: "the HTTP client is shut down", url: url, file: file, line: line)
    }
}
