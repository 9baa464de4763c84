import Foundation

/// Builds a tenant's directory deterministically from a seed and a ``SeedProfile``: the same
/// inputs always give the same objects, ids and relationships.
///
/// Order matters: users first, then groups (which reference users), applications and service
/// principals, roles, policies that reference all of them, and finally the tenant-wide objects.
struct TenantSeeder {
    let profile: SeedProfile
    let now: Date
    let tenantCreated: Date
    let initialDomain: String
    let primaryDomain: String
    var directory: TenantDirectory
    var random: DeterministicRandom

    // What later steps reference.
    var memberUserIds: [String] = []
    var guestUserIds: [String] = []
    var userDepartments: [String: String] = [:]
    var userDisplayNames: [String: String] = [:]
    var adminUserId: String?
    var breakGlassUserId: String?
    var departmentGroupIds: [String: String] = [:]
    var allUsersGroupId: String?
    var conditionalAccessExclusionGroupId: String?
    var roleAssignableGroupIds: [String] = []
    var securityGroupIds: [String] = []
    var unifiedGroupIds: [String] = []
    var applicationAppIds: [String] = []
    var servicePrincipalByAppId: [String: String] = [:]
    var graphServicePrincipalId = ""
    var gallerySpIds: [String] = []
    var roleDefinitionByTemplate: [String: String] = [:]
    var directoryRoleByTemplate: [String: String] = [:]
    var trustedLocationIds: [String] = []
    var blockedCountryLocationId: String?
    var administrativeUnitIds: [String] = []
    var licensedUsersBySku: [String: Int] = [:]
    /// The schema-extension app's id, chosen before users so they can carry its attributes.
    var extensionAppId = ""
    var extensionPrefix: String { "extension_\(extensionAppId.replacingOccurrences(of: "-", with: ""))_" }
    /// Subtrees many objects share (license plans, empty attribute sets), built once so the
    /// objects share their storage.
    var sharedValues: [String: JSONValue] = [:]

    /// The verified domains a tenant seeded with `name` and `profile` has (before any change), so a
    /// lazily created tenant answers to them before it is seeded.
    static func verifiedDomains(name: String, profile: SeedProfile) -> [String] {
        let initial = "\(name).onmicrosoft.com"
        return profile.isEmpty ? [initial] : [initial, "\(name).com"]
    }

    static func seed(
        tenantId: String,
        name: String,
        displayName: String,
        profile: SeedProfile,
        seed: UInt64,
        now: Date
    ) -> TenantDirectory {
        var random = DeterministicRandom(seed: seed, salt: "tenant:" + name)
        let directory = TenantDirectory(
            tenantId: tenantId,
            initialDomain: "\(name).onmicrosoft.com",
            displayName: displayName,
            random: DeterministicRandom(seed: random.next())
        )
        let ageDays = Double(random.int(in: 400...2_000))
        var seeder = TenantSeeder(
            profile: profile,
            now: now,
            tenantCreated: now.addingTimeInterval(-ageDays * 86_400),
            initialDomain: "\(name).onmicrosoft.com",
            primaryDomain: "\(name).com",
            directory: directory,
            random: random
        )
        seeder.run()
        return seeder.directory
    }

    private mutating func run() {
        extensionAppId = newId()
        seedFirstPartyServicePrincipals()
        seedUsers()
        seedGroups()
        seedApplications()
        seedGalleryApplications()
        seedDevices()
        seedRoles()
        seedAdministrativeUnits()
        seedNamedLocations()
        seedConditionalAccessPolicies()
        seedTenantObjects()
        seedApplicationPolicies()
        seedSynchronization()
        seedDeletedItems()
        // Last, so the objects seeded before keep the ids they had before PIM was simulated.
        seedPrivilegedAccess()
        seedAuthenticationStrengths()
        seedTenantPolicies()
        seedApplicationManagementPolicies()
        seedTermsOfUse()
        directory.fragments = FragmentCache(Array(sharedValues.values).flatMap { value -> [JSONValue] in
            // License values are stored as a tuple of four shared subtrees.
            if case .array(let parts) = value, parts.count == 4, case .array = parts[0] { return parts }
            return [value]
        })
    }

    // MARK: Helpers

    mutating func newId() -> String { random.uuid() }

    /// A timestamp between the tenant's creation and a day ago.
    mutating func pastTimestamp() -> String {
        let span = now.timeIntervalSince(tenantCreated) - 86_400
        return Timestamp.format(tenantCreated.addingTimeInterval(random.unit() * max(span, 1)))
    }

    func timestamp(daysAgo days: Double) -> String {
        Timestamp.format(now.addingTimeInterval(-days * 86_400))
    }

    func futureTimestamp(days: Double) -> String {
        Timestamp.format(now.addingTimeInterval(days * 86_400))
    }

    mutating func pickUsers(_ count: Int, from pool: [String]) -> [String] {
        guard !pool.isEmpty else { return [] }
        return random.distinctIndices(min(count, pool.count), below: pool.count).map { pool[$0] }
    }
}
