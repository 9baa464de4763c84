/// The token service refused to issue a token (or could not be reached).
///
/// `code` classifies the AADSTS error so callers can act: when `isCredentialInvalid` is true, the
/// tenant needs an operator (mark it `credentials_invalid` with `description` as the reason, and
/// fail jobs permanently); otherwise the failure may pass and the job may be retried.
/// `description` never contains the secret or the assertion.
public struct GraphAuthenticationError: Error, Sendable {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: Sendable, Hashable {
            case invalidClientSecret, expiredClientSecret, invalidClientAssertion, applicationNotFound
            case applicationDisabled, tenantNotFound, invalidScope, throttled, unavailable, invalidResponse, other
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// AADSTS7000215: the secret is wrong.
        public static let invalidClientSecret = Self(.invalidClientSecret)
        /// AADSTS7000222: the secret has expired.
        public static let expiredClientSecret = Self(.expiredClientSecret)
        /// AADSTS700027 and relatives: the certificate is not registered, or the assertion is bad.
        public static let invalidClientAssertion = Self(.invalidClientAssertion)
        /// AADSTS700016: the app is not in the tenant (not consented, or deleted).
        public static let applicationNotFound = Self(.applicationNotFound)
        /// AADSTS7000112: the app is disabled.
        public static let applicationDisabled = Self(.applicationDisabled)
        /// AADSTS90002: the tenant does not exist.
        public static let tenantNotFound = Self(.tenantNotFound)
        /// AADSTS70011 / 700022: the scope is wrong (a configuration error).
        public static let invalidScope = Self(.invalidScope)
        /// AADSTS90055 or HTTP 429: try later.
        public static let throttled = Self(.throttled)
        /// The token service failed (5xx, `temporarily_unavailable`) or could not be reached.
        public static let unavailable = Self(.unavailable)
        /// The response was not a token nor a documented error.
        public static let invalidResponse = Self(.invalidResponse)
        /// Any other AADSTS error.
        public static let other = Self(.other)

        public var description: String {
            switch self.base {
            case .invalidClientSecret: "invalidClientSecret"
            case .expiredClientSecret: "expiredClientSecret"
            case .invalidClientAssertion: "invalidClientAssertion"
            case .applicationNotFound: "applicationNotFound"
            case .applicationDisabled: "applicationDisabled"
            case .tenantNotFound: "tenantNotFound"
            case .invalidScope: "invalidScope"
            case .throttled: "throttled"
            case .unavailable: "unavailable"
            case .invalidResponse: "invalidResponse"
            case .other: "other"
            }
        }

        static func classify(aadsts: Int?, oauthError: String?, status: Int) -> Code {
            switch aadsts {
            case 7000215: return .invalidClientSecret
            case 7000222: return .expiredClientSecret
            case 700027, 700023, 700024, 700212, 50027: return .invalidClientAssertion
            case 700016: return .applicationNotFound
            case 7000112: return .applicationDisabled
            case 90002: return .tenantNotFound
            case 70011, 700022: return .invalidScope
            case 90055: return .throttled
            default: break
            }
            if status == 429 { return .throttled }
            if status >= 500 || oauthError == "temporarily_unavailable" { return .unavailable }
            if oauthError == "invalid_client" { return .invalidClientSecret }
            return .other
        }
    }

    public var code: Code
    /// The AADSTS number (`error_codes[0]`), when the service sent one.
    public var aadstsCode: Int?
    /// The OAuth `error` (`invalid_client`, `unauthorized_client`, …).
    public var oauthError: String?
    /// The first line of `error_description` ("AADSTS7000222: The provided client secret keys … are expired.").
    public var message: String
    /// HTTP status of the token response; nil when none arrived.
    public var status: Int?
    public var traceID: String?
    public var correlationID: String?
    public var identity: GraphIdentity
    public var underlying: (any Error)?

    /// The credential, the app's consent or the tenant id must be fixed by an operator; retrying
    /// cannot help.
    public var isCredentialInvalid: Bool {
        [.invalidClientSecret, .expiredClientSecret, .invalidClientAssertion, .applicationNotFound,
         .applicationDisabled, .tenantNotFound, .invalidScope].contains(self.code)
    }

    /// The credential worked once and has expired: rotate it.
    public var isCredentialExpired: Bool { self.code == .expiredClientSecret }

    /// A later attempt may succeed.
    public var isTransient: Bool { [.throttled, .unavailable].contains(self.code) }
}

extension GraphAuthenticationError: Equatable {
    public static func == (lhs: GraphAuthenticationError, rhs: GraphAuthenticationError) -> Bool { lhs.code == rhs.code }
}

extension GraphAuthenticationError: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        "GraphAuthenticationError.\(self.code) for \(self.identity): \(self.message)"
    }

    public var debugDescription: String {
        var text = "GraphAuthenticationError(code: \(self.code), identity: \(self.identity), message: \(self.message)"
        if let status { text += ", status: \(status)" }
        if let oauthError { text += ", error: \(oauthError)" }
        if let traceID { text += ", trace_id: \(traceID)" }
        if let correlationID { text += ", correlation_id: \(correlationID)" }
        if let underlying { text += ", underlying: \(String(reflecting: underlying))" }
        return text + ")"
    }
}
