/// Restore settings, with documented defaults.
public struct RestoreConfiguration: Sendable {
    /// A plan that would delete or overwrite more objects than this needs `--confirm-blast-radius`.
    public var blastRadiusLimit: Int
    /// Role templates whose holders a conditional access policy must never all block
    /// (Global Administrator, Privileged Role Administrator by default).
    public var privilegedRoleTemplates: Set<String>
    /// Time between two conditional access requests: Graph allows one per second per tenant and
    /// answers more with 429 without `Retry-After`.
    public var conditionalAccessInterval: Duration
    /// How long a stored plan may be applied after it was made. Default 24 hours: a plan is
    /// computed against the tenant as it was, and its guards are checked again at apply.
    public var planLifetime: Duration

    public init(blastRadiusLimit: Int = 50,
                privilegedRoleTemplates: Set<String> = ["62e90394-69f5-4237-9190-012177145e10", "e8611ab8-c189-46e8-94e1-60213ab1f814"],
                conditionalAccessInterval: Duration = .milliseconds(1_050), planLifetime: Duration = .seconds(86_400)) {
        precondition(planLifetime > .zero, "a plan's lifetime must be positive")
        self.blastRadiusLimit = blastRadiusLimit
        self.privilegedRoleTemplates = privilegedRoleTemplates
        self.conditionalAccessInterval = conditionalAccessInterval
        self.planLifetime = planLifetime
    }
}
