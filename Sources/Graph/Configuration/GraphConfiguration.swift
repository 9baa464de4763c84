/// Where the Graph client sends requests and how hard it tries.
///
/// Defaults talk to the global cloud; `GraphConfiguration(cloud:)` picks a national cloud's hosts,
/// and tests point both base URLs at graph-sim.
public struct GraphConfiguration: Sendable {
    /// Graph including the API version, without a trailing slash: `https://graph.microsoft.com/v1.0`.
    public var graphBaseURL: String
    /// The Entra token service, without a trailing slash: `https://login.microsoftonline.com`.
    public var loginBaseURL: String
    /// The client credentials scope: the Graph resource and `/.default`.
    public var scope: String
    /// Attempts per request, the first included, for throttling, 5xx and network errors.
    public var maxAttempts: Int
    /// First backoff step when a response carries no `Retry-After`; doubled per attempt, with jitter.
    public var initialBackoff: Duration
    /// Upper bound of one wait, whether from `Retry-After` or backoff.
    public var maxBackoff: Duration
    /// A cached token is replaced when it has less than this left.
    public var tokenRefreshMargin: Duration
    /// Per-request timeout.
    public var requestTimeout: Duration
    /// Longest `Retry-After` honoured (and recorded in the shared throttle store). Graph asks for
    /// seconds to minutes; a larger or malformed value from a hostile or broken upstream is cut to
    /// this, so it cannot block a tenant for years. Default 1 hour.
    public var maxRetryAfter: Duration
    /// Largest response body accepted per Graph request, after decompression (a compressed bomb
    /// fails when it crosses it). A backup buffers at most one response per listing in flight, so
    /// its Graph memory is bounded by this times the listings in flight. Default 32 MiB.
    public var maxResponseBytes: Int
    /// Most pages one listing or delta round may follow before it fails; a `nextLink` that repeats
    /// fails at once. Default 100,000 (100 million objects at Graph's smallest page size).
    public var maxPagesPerListing: Int

    public init(
        graphBaseURL: String = GraphCloud.global.graphBaseURL,
        loginBaseURL: String = GraphCloud.global.loginBaseURL,
        scope: String = GraphCloud.global.scope,
        maxAttempts: Int = 6,
        initialBackoff: Duration = .seconds(1),
        maxBackoff: Duration = .seconds(120),
        tokenRefreshMargin: Duration = .seconds(300),
        requestTimeout: Duration = .seconds(100),
        maxRetryAfter: Duration = .seconds(3600),
        maxResponseBytes: Int = 32 * 1024 * 1024,
        maxPagesPerListing: Int = 100_000
    ) {
        self.graphBaseURL = Self.trimmed(graphBaseURL)
        self.loginBaseURL = Self.trimmed(loginBaseURL)
        self.scope = scope
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.tokenRefreshMargin = tokenRefreshMargin
        self.requestTimeout = requestTimeout
        self.maxRetryAfter = max(.zero, maxRetryAfter)
        self.maxResponseBytes = max(0, maxResponseBytes)
        self.maxPagesPerListing = max(1, maxPagesPerListing)
    }

    /// The hosts of `cloud`, API version `v1.0`.
    public init(cloud: GraphCloud) {
        self.init(graphBaseURL: cloud.graphBaseURL, loginBaseURL: cloud.loginBaseURL, scope: cloud.scope)
    }

    private static func trimmed(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}

/// Microsoft's clouds and their Graph and token hosts.
public struct GraphCloud: Sendable, Hashable {
    public var graphBaseURL: String
    public var loginBaseURL: String
    public var scope: String

    public static let global = GraphCloud(graphBaseURL: "https://graph.microsoft.com/v1.0",
                                          loginBaseURL: "https://login.microsoftonline.com",
                                          scope: "https://graph.microsoft.com/.default")
    /// US Government L4 (GCC High).
    public static let usGovernment = GraphCloud(graphBaseURL: "https://graph.microsoft.us/v1.0",
                                                loginBaseURL: "https://login.microsoftonline.us",
                                                scope: "https://graph.microsoft.us/.default")
    /// US Government L5 (DoD).
    public static let usGovernmentDoD = GraphCloud(graphBaseURL: "https://dod-graph.microsoft.us/v1.0",
                                                   loginBaseURL: "https://login.microsoftonline.us",
                                                   scope: "https://dod-graph.microsoft.us/.default")
    /// Microsoft Azure operated by 21Vianet.
    public static let china = GraphCloud(graphBaseURL: "https://microsoftgraph.chinacloudapi.cn/v1.0",
                                         loginBaseURL: "https://login.chinacloudapi.cn",
                                         scope: "https://microsoftgraph.chinacloudapi.cn/.default")
}
