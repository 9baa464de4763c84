/// The application permissions an endpoint accepts: any one of the alternatives, each of which
/// may need several permissions together.
public struct PermissionRule: Sendable, Hashable {
    public let alternatives: [[String]]

    public init(alternatives: [[String]]) {
        self.alternatives = alternatives
    }

    /// Any single one of `permissions` is enough.
    public static func any(_ permissions: String...) -> PermissionRule {
        PermissionRule(alternatives: permissions.map { [$0] })
    }

    /// No permission needed (beyond a valid token).
    public static let none = PermissionRule(alternatives: [[]])

    /// Also accept `other`'s alternatives.
    public func or(_ other: PermissionRule) -> PermissionRule {
        PermissionRule(alternatives: alternatives + other.alternatives)
    }

    public func isSatisfied(by roles: Set<String>) -> Bool {
        alternatives.contains { alternative in alternative.allSatisfy(roles.contains) }
    }
}

extension PermissionRule {
    static let directoryRead = PermissionRule.any("Directory.Read.All", "Directory.ReadWrite.All")
    static let directoryWrite = PermissionRule.any("Directory.ReadWrite.All")
}
