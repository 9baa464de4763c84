public import HTTPTypes

/// An error the API answers with: an HTTP status, a stable machine-readable code, and a message
/// safe to show the caller. Every error response has the shape
/// `{"error":{"code":"…","message":"…","request_id":"…"}}`.
///
/// Codes are part of the API's contract (docs/api.md lists them): clients switch on them, so they
/// never change once published. Two errors are equal when their codes are.
public struct APIError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public let status: HTTPResponse.Status

        /// For route groups added later (SLA, reports): a new stable code with its status.
        public init(_ rawValue: String, status: HTTPResponse.Status) {
            self.rawValue = rawValue
            self.status = status
        }

        public var description: String { rawValue }

        public static let unauthenticated = Code("unauthenticated", status: .unauthorized)
        public static let invalidAPIKey = Code("invalid_api_key", status: .unauthorized)
        public static let revokedAPIKey = Code("revoked_api_key", status: .unauthorized)
        public static let forbidden = Code("forbidden", status: .forbidden)
        public static let readOnlyKey = Code("read_only_key", status: .forbidden)
        public static let notFound = Code("not_found", status: .notFound)
        public static let routeNotFound = Code("route_not_found", status: .notFound)
        public static let methodNotAllowed = Code("method_not_allowed", status: .methodNotAllowed)
        public static let invalidRequest = Code("invalid_request", status: .badRequest)
        public static let invalidJSON = Code("invalid_json", status: .badRequest)
        public static let invalidParameter = Code("invalid_parameter", status: .badRequest)
        public static let invalidCursor = Code("invalid_cursor", status: .badRequest)
        /// A body docs/openapi.yaml accepts that the server cannot act on: it names something that
        /// does not exist (a policy, a partner, a snapshot), an unknown time zone, an unreadable
        /// credential, or settings that contradict each other. 400 stays for what breaks the document.
        public static let unprocessableRequest = Code("unprocessable_request", status: .unprocessableContent)
        public static let unsupportedMediaType = Code("unsupported_media_type", status: .unsupportedMediaType)
        public static let bodyTooLarge = Code("body_too_large", status: .contentTooLarge)
        public static let conflict = Code("conflict", status: .conflict)
        public static let invalidState = Code("invalid_state", status: .conflict)
        public static let unavailable = Code("unavailable", status: .serviceUnavailable)
        public static let internalError = Code("internal_error", status: .internalServerError)

        public static func == (lhs: Code, rhs: Code) -> Bool { lhs.rawValue == rhs.rawValue }
        public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }
    }

    public var code: Code
    /// Safe to show the caller: never SQL, server internals or secrets.
    public var message: String
    /// Logged, never returned.
    public var underlying: (any Error)?
    /// Sent as `Retry-After` (429 `rate_limited`).
    public var retryAfterSeconds: Int?
    /// Sent as `Allow` (405 `method_not_allowed`).
    public var allowedMethods: [String]?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    public var status: HTTPResponse.Status { code.status }
    public var description: String { "APIError.\(code): \(message)" }
}

extension APIError: Equatable {
    public static func == (lhs: APIError, rhs: APIError) -> Bool { lhs.code == rhs.code }
}
