/// Every object type Holdfast backs up, in one place. Parents come before their children, so
/// reading entries in order always has a parent's ids before its children are listed.
public enum ResourceCatalogue {
    public static let entries: [CatalogueEntry] = identity + applications + roles + privilegedAccess + policies + tenant + tenantPolicies
        + applicationPolicies + customSecurityAttributes

    private static let byName: [String: CatalogueEntry] = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })

    public static func entry(named name: String) -> CatalogueEntry? { byName[name] }

    /// Entries whose items hang from `entry`'s items.
    public static func children(of entry: CatalogueEntry) -> [CatalogueEntry] {
        entries.filter { $0.parent == entry.name }
    }

    /// Every permission a full backup needs: the least privileged of each entry's alternatives.
    public static var requiredPermissions: [String] {
        var seen = Set<String>()
        return entries.compactMap(\.permissions.first).filter { seen.insert($0).inserted }
    }

    /// Members, owners and principals: the directory object types a reference may name.
    static let principals = ["user", "group", "servicePrincipal", "device"]
}
