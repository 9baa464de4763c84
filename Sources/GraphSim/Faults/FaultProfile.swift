/// Failures and latency injected into Graph responses, globally or for one tenant.
///
/// Rates are fractions of requests (0…1), drawn independently in this order: reset, 503, 504,
/// truncated body, slow response. `addedLatency` delays every response; it is how benchmarks get
/// realistic round trips.
public struct FaultProfile: Sendable, Equatable {
    /// 503 Service Unavailable (`serviceNotAvailable`).
    public var serviceUnavailableRate: Double
    /// 504 Gateway Timeout (`UnknownError`, as the gateway sends it).
    public var gatewayTimeoutRate: Double
    /// The connection is closed without a response.
    public var connectionResetRate: Double
    /// The response declares its full length but the connection closes halfway through the body.
    public var truncatedBodyRate: Double
    /// A response delayed by `slowResponseDelay` seconds.
    public var slowResponseRate: Double
    public var slowResponseDelay: Double
    /// Seconds added to every response.
    public var addedLatency: Double
    /// `Retry-After` seconds on injected 503s (nil sends none).
    public var retryAfterOn503: Double?

    public init(
        serviceUnavailableRate: Double = 0,
        gatewayTimeoutRate: Double = 0,
        connectionResetRate: Double = 0,
        truncatedBodyRate: Double = 0,
        slowResponseRate: Double = 0,
        slowResponseDelay: Double = 2,
        addedLatency: Double = 0,
        retryAfterOn503: Double? = nil
    ) {
        self.serviceUnavailableRate = serviceUnavailableRate
        self.gatewayTimeoutRate = gatewayTimeoutRate
        self.connectionResetRate = connectionResetRate
        self.truncatedBodyRate = truncatedBodyRate
        self.slowResponseRate = slowResponseRate
        self.slowResponseDelay = slowResponseDelay
        self.addedLatency = addedLatency
        self.retryAfterOn503 = retryAfterOn503
    }

    public static let none = FaultProfile()

    var isQuiet: Bool { self == .none }

    init(json: JSONObject) {
        self.init(
            serviceUnavailableRate: json["serviceUnavailableRate"]?.doubleValue ?? 0,
            gatewayTimeoutRate: json["gatewayTimeoutRate"]?.doubleValue ?? 0,
            connectionResetRate: json["connectionResetRate"]?.doubleValue ?? 0,
            truncatedBodyRate: json["truncatedBodyRate"]?.doubleValue ?? 0,
            slowResponseRate: json["slowResponseRate"]?.doubleValue ?? 0,
            slowResponseDelay: json["slowResponseDelay"]?.doubleValue ?? 2,
            addedLatency: json["addedLatency"]?.doubleValue ?? 0,
            retryAfterOn503: json["retryAfterOn503"]?.doubleValue
        )
    }

    var json: JSONObject {
        [
            "serviceUnavailableRate": .double(serviceUnavailableRate),
            "gatewayTimeoutRate": .double(gatewayTimeoutRate),
            "connectionResetRate": .double(connectionResetRate),
            "truncatedBodyRate": .double(truncatedBodyRate),
            "slowResponseRate": .double(slowResponseRate),
            "slowResponseDelay": .double(slowResponseDelay),
            "addedLatency": .double(addedLatency),
            "retryAfterOn503": retryAfterOn503.map(JSONValue.double) ?? .null,
        ]
    }
}

/// What happens to one response.
enum FaultDecision: Sendable, Equatable {
    case none
    case serviceUnavailable(retryAfter: Double?)
    case gatewayTimeout
    case connectionReset
    case truncatedBody
    case slow(Double)

    var label: String? {
        switch self {
        case .none: return nil
        case .serviceUnavailable: return "503"
        case .gatewayTimeout: return "504"
        case .connectionReset: return "reset"
        case .truncatedBody: return "truncate"
        case .slow: return "slow"
        }
    }
}
