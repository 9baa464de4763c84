/// What a job does. Open-ended: later issues add kinds without touching the queue.
public struct JobKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    public static let backup = JobKind("backup")
    public static let retention = JobKind("retention")
    public static let validation = JobKind("validation")
    public static let restore = JobKind("restore")
    /// Sleeps, reports progress and fails on request: for checking a deployment end to end.
    public static let diagnostic = JobKind("diagnostic")

    /// Kinds of which a tenant may have only one running at a time (invariant 1). The database
    /// enforces the same list in the `jobs_tenant_exclusive_running` index.
    public static let tenantExclusive: Set<JobKind> = [.backup, .restore]

    public var isTenantExclusive: Bool { Self.tenantExclusive.contains(self) }
    public var description: String { rawValue }
}
