/// What a console user may see and do.
///
/// - `operator`: every page and every action.
/// - `read-only`: every page, no action (only signing out).
/// - `partner`: the pages, confined to the tenants of the one partner the user is bound to; no action.
public enum ConsoleRole: String, Sendable, Hashable, CaseIterable {
    case `operator`
    case readOnly = "read-only"
    case partner

    /// Whether the role may change anything (cancel or retry a job…).
    public var mayAct: Bool { self == .operator }

    /// Whether the role sees the whole fleet (workers, the queue, the audit log).
    public var isStaff: Bool { self != .partner }
}
