/// How big a seeded tenant is. Everything else (groups, applications, devices, policies…) follows
/// from the user count at proportions seen in real tenants.
public struct SeedProfile: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var users: Int

    public init(name: String, users: Int) {
        self.name = name
        self.users = max(0, users)
    }

    public static let small = SeedProfile(name: "small", users: 25)
    public static let medium = SeedProfile(name: "medium", users: 2_000)
    public static let large = SeedProfile(name: "large", users: 100_000)
    /// A tenant with nothing but its built-in objects (for restores into a scratch tenant).
    public static let empty = SeedProfile(name: "empty", users: 0)

    /// `small`, `medium`, `large`, `empty`, or a user count such as `users=500`.
    public init?(named name: String) {
        switch name.lowercased() {
        case "small": self = .small
        case "medium": self = .medium
        case "large": self = .large
        case "empty": self = .empty
        default:
            let digits = name.lowercased().hasPrefix("users=") ? String(name.dropFirst(6)) : name
            guard let count = Int(digits), count >= 0 else { return nil }
            self = SeedProfile(name: "users=\(count)", users: count)
        }
    }

    public var description: String { name }

    var isEmpty: Bool { users == 0 }
    var groupCount: Int { isEmpty ? 0 : max(6, users / 25) }
    var applicationCount: Int { isEmpty ? 0 : max(4, min(800, users / 150)) }
    var galleryAppCount: Int { isEmpty ? 0 : min(NameData.galleryApps.count, 2 + users / 5_000) }
    var deviceCount: Int { isEmpty ? 0 : users * 6 / 10 }
    var administrativeUnitCount: Int { isEmpty ? 0 : max(2, users / 2_000) }
    var extraConditionalAccessPolicies: Int { isEmpty ? 0 : min(10, users / 1_000) }
    /// Tenants from a few hundred users up usually sync from on-premises AD.
    var isHybrid: Bool { users >= 200 }
}
