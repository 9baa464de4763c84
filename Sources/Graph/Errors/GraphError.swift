import Foundation

/// A Graph request failed: Graph's documented error (`{"error":{"code","message","innerError"}}`),
/// or a failure before any answer (network, throttling retries exhausted).
///
/// Branch on `code`, never on `message`. `description` is safe to log: it holds Graph's code,
/// message and ids, never tokens.
public struct GraphError: Error, Sendable {
    /// Graph's `error.code`, or one of Holdfast's for failures without a Graph answer.
    public struct Code: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let tooManyRequests = Self(rawValue: "TooManyRequests")
        public static let authorizationRequestDenied = Self(rawValue: "Authorization_RequestDenied")
        public static let requestResourceNotFound = Self(rawValue: "Request_ResourceNotFound")
        public static let requestBadRequest = Self(rawValue: "Request_BadRequest")
        public static let invalidAuthenticationToken = Self(rawValue: "InvalidAuthenticationToken")
        public static let syncStateNotFound = Self(rawValue: "syncStateNotFound")
        public static let resyncRequired = Self(rawValue: "resyncRequired")
        public static let notImplemented = Self(rawValue: "NotImplemented")
        public static let serviceNotAvailable = Self(rawValue: "serviceNotAvailable")
        /// No HTTP response arrived (connection refused, reset, timed out).
        public static let transport = Self(rawValue: "holdfast.transport")
        /// The response could not be read as Graph's documented shape.
        public static let invalidResponse = Self(rawValue: "holdfast.invalidResponse")
        /// The request is not one Holdfast sends (more than 20 batch parts, a bad path).
        public static let invalidRequest = Self(rawValue: "holdfast.invalidRequest")
        /// A URL (a link in a response, a stored delta link, or the configured base) is not on the
        /// configured Graph endpoint; it was not requested and no token went there.
        public static let untrustedURL = Self(rawValue: "holdfast.untrustedURL")
        /// A response body was larger than `GraphConfiguration.maxResponseBytes` (after
        /// decompression); not retried.
        public static let responseTooLarge = Self(rawValue: "holdfast.responseTooLarge")
        /// A listing's `@odata.nextLink` repeated, or it ran past `maxPagesPerListing`.
        public static let endlessListing = Self(rawValue: "holdfast.endlessListing")

        public var description: String { self.rawValue }
    }

    public var code: Code
    public var message: String
    /// HTTP status; nil when no response arrived.
    public var status: Int?
    /// Graph's `request-id` (header, or `innerError.request-id`).
    public var requestID: String?
    /// The `client-request-id` Holdfast sent.
    public var clientRequestID: String?
    /// `innerError.date`, as sent.
    public var date: String?
    /// The `Retry-After` of a throttled response.
    public var retryAfter: Duration?
    /// The `Location` header (410 Gone on delta carries the restart link there).
    public var location: String?
    public var underlying: (any Error)?

    public init(code: Code, message: String, status: Int? = nil, requestID: String? = nil, clientRequestID: String? = nil,
                date: String? = nil, retryAfter: Duration? = nil, location: String? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.requestID = requestID
        self.clientRequestID = clientRequestID
        self.date = date
        self.retryAfter = retryAfter
        self.location = location
        self.underlying = underlying
    }

    /// A delta token that no longer works: start a full read (`syncStateNotFound`,
    /// `resyncRequired`, or 410 Gone).
    public var requiresFullResync: Bool {
        self.code == .syncStateNotFound || self.code == .resyncRequired || self.status == 410
    }

    /// The app lacks a permission for this request (403).
    public var isPermissionMissing: Bool {
        self.status == 403 || self.code == .authorizationRequestDenied
    }

    /// Reads Graph's error body; any other body becomes `invalidResponse` with the status.
    static func parse(status: Int, body: [UInt8], headers: [String: String], clientRequestID: String?) -> GraphError {
        struct Envelope: Decodable {
            struct Inner: Decodable {
                var code: String?
                var message: String?
                var innerError: InnerError?
            }
            struct InnerError: Decodable {
                var date: String?
                var requestID: String?
                var clientRequestID: String?
                enum CodingKeys: String, CodingKey {
                    case date
                    case requestID = "request-id"
                    case clientRequestID = "client-request-id"
                }
            }
            var error: Inner
        }
        let retryAfter = headers["retry-after"].flatMap(GraphRetryAfter.parse)
        let requestID = headers["request-id"]
        let location = headers["location"]
        if let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body)), let code = envelope.error.code {
            return GraphError(code: Code(rawValue: code), message: envelope.error.message ?? "",
                              status: status, requestID: requestID ?? envelope.error.innerError?.requestID,
                              clientRequestID: envelope.error.innerError?.clientRequestID ?? clientRequestID,
                              date: envelope.error.innerError?.date, retryAfter: retryAfter, location: location)
        }
        let fallback: Code = status == 429 ? .tooManyRequests : .invalidResponse
        return GraphError(code: fallback, message: "HTTP \(status) without a Graph error body", status: status, requestID: requestID,
                          clientRequestID: clientRequestID, retryAfter: retryAfter, location: location)
    }
}

extension GraphError: Equatable {
    public static func == (lhs: GraphError, rhs: GraphError) -> Bool { lhs.code == rhs.code && lhs.status == rhs.status }
}

extension GraphError: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        var text = "GraphError(\(self.status.map(String.init) ?? "no response") \(self.code)): \(self.message)"
        if let requestID { text += " [request-id \(requestID)]" }
        return text
    }

    public var debugDescription: String {
        var text = self.description
        if let clientRequestID { text += " [client-request-id \(clientRequestID)]" }
        if let date { text += " [date \(date)]" }
        if let underlying { text += " underlying: \(String(reflecting: underlying))" }
        return text
    }
}

/// `Retry-After` as Graph sends it: seconds, possibly fractional (`2.128`).
enum GraphRetryAfter {
    /// Longest value ever returned, before `GraphConfiguration.maxRetryAfter` applies: a day, far
    /// below where converting to milliseconds could overflow.
    static let ceiling: Double = 86_400

    /// The duration in `value`, cut to a day; nil when it is not a non-negative number.
    static func parse(_ value: String) -> Duration? {
        guard let seconds = Double(value.trimmingCharacters(in: .whitespaces)), seconds >= 0, !seconds.isNaN else { return nil }
        return .milliseconds(Int64((min(seconds, Self.ceiling) * 1000).rounded(.up)))
    }
}
