/// Failures and latency injected into Graph responses, globally or for one tenant.
///
/// Rates are fractions of requests (0…1), drawn independently in this order: reset, 429, 503, 504,
/// truncated body, slow response. `addedLatency` delays every response; it is how benchmarks get
/// realistic round trips.
public struct FaultProfile: Sendable, Equatable {
    /// 429 Too Many Requests regardless of the throttling buckets: a storm, as when Graph sheds load
    /// service-wide (the buckets throttle by documented limits; this does not spend them).
    public var tooManyRequestsRate: Double
    /// `Retry-After` seconds on injected 429s (nil sends none).
    public var retryAfterOn429: Double?
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
        tooManyRequestsRate: Double = 0,
        retryAfterOn429: Double? = nil,
        serviceUnavailableRate: Double = 0,
        gatewayTimeoutRate: Double = 0,
        connectionResetRate: Double = 0,
        truncatedBodyRate: Double = 0,
        slowResponseRate: Double = 0,
        slowResponseDelay: Double = 2,
        addedLatency: Double = 0,
        retryAfterOn503: Double? = nil
    ) {
        self.tooManyRequestsRate = tooManyRequestsRate
        self.retryAfterOn429 = retryAfterOn429
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

    static let rateKeys = ["tooManyRequestsRate", "serviceUnavailableRate", "gatewayTimeoutRate", "connectionResetRate",
                           "truncatedBodyRate", "slowResponseRate"]
    static let secondsKeys = ["retryAfterOn429", "retryAfterOn503", "slowResponseDelay", "addedLatency"]

    /// From the admin API's JSON: an unknown key, a rate outside 0…1 or a negative or non-numeric
    /// number of seconds is refused (a typo would otherwise inject nothing and pass unnoticed).
    init(json: JSONObject) throws {
        if let unknown = json.keys.sorted().first(where: { !Self.rateKeys.contains($0) && !Self.secondsKeys.contains($0) }) {
            throw SimulatorError(.invalidArgument, "unknown fault profile key '\(unknown)'; known: \((Self.rateKeys + Self.secondsKeys).joined(separator: ", "))")
        }
        func number(_ key: String, range: ClosedRange<Double>, what: String) throws -> Double? {
            guard let value = json[key], !value.isNull else { return nil }
            guard let number = value.doubleValue, range.contains(number) else {
                throw SimulatorError(.invalidArgument, "fault profile '\(key)' must be \(what)")
            }
            return number
        }
        func rate(_ key: String) throws -> Double { try number(key, range: 0...1, what: "a fraction from 0 to 1") ?? 0 }
        func seconds(_ key: String) throws -> Double? { try number(key, range: 0...86_400, what: "seconds from 0 to 86400") }
        self.init(
            tooManyRequestsRate: try rate("tooManyRequestsRate"),
            retryAfterOn429: try seconds("retryAfterOn429"),
            serviceUnavailableRate: try rate("serviceUnavailableRate"),
            gatewayTimeoutRate: try rate("gatewayTimeoutRate"),
            connectionResetRate: try rate("connectionResetRate"),
            truncatedBodyRate: try rate("truncatedBodyRate"),
            slowResponseRate: try rate("slowResponseRate"),
            slowResponseDelay: try seconds("slowResponseDelay") ?? 2,
            addedLatency: try seconds("addedLatency") ?? 0,
            retryAfterOn503: try seconds("retryAfterOn503")
        )
    }

    var json: JSONObject {
        [
            "tooManyRequestsRate": .double(tooManyRequestsRate),
            "retryAfterOn429": retryAfterOn429.map(JSONValue.double) ?? .null,
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
    case tooManyRequests(retryAfter: Double?)
    case serviceUnavailable(retryAfter: Double?)
    case gatewayTimeout
    case connectionReset
    case truncatedBody
    case slow(Double)

    var label: String? {
        switch self {
        case .none: return nil
        case .tooManyRequests: return "429"
        case .serviceUnavailable: return "503"
        case .gatewayTimeout: return "504"
        case .connectionReset: return "reset"
        case .truncatedBody: return "truncate"
        case .slow: return "slow"
        }
    }
}
