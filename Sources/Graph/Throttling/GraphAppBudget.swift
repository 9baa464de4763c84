/// Graph's limits for one app across every tenant (graph-reference section 2): 150,000 resource
/// units per 20 seconds and 2,000 requests per second. The shared multi-tenant app of an MSP is one
/// app in hundreds of tenants, so every worker together must stay under them.
public struct GraphAppLimits: Sendable, Hashable {
    public var resourceUnits: Double
    public var resourceUnitWindow: Duration
    public var requestsPerSecond: Double
    /// Share of the limits to plan for, leaving room for retries and other clients of the app.
    public var headroom: Double

    public init(resourceUnits: Double = 150_000, resourceUnitWindow: Duration = .seconds(20), requestsPerSecond: Double = 2_000,
                headroom: Double = 0.9) {
        self.resourceUnits = resourceUnits
        self.resourceUnitWindow = resourceUnitWindow
        self.requestsPerSecond = requestsPerSecond
        self.headroom = headroom
    }

    public static let documented = GraphAppLimits()
}

/// The app-wide budget every worker draws from before a request of the shared multi-tenant app.
///
/// `Tenancy.PostgresAppBudget` keeps it in PostgreSQL, so workers on any machine share it.
public protocol GraphAppBudget: Sendable {
    /// Takes `units` resource units and one request from `clientID`'s budget and returns how long
    /// to wait before sending (zero when both were available). Taken units are not given back.
    func reserve(units: Int, clientID: String) async throws -> Duration
}
