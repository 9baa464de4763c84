/// An MSP's fleet of customer tenants: how many of each size, at the proportions of the reference
/// fleet, for any number of tenants.
///
/// ``msp`` is the fleet of issue 19: of every 10,000 tenants, 9,000 of 10–50 users, 900 of
/// 200–500, 90 of 2,000–5,000 and 10 of 20,000. A fleet of N tenants keeps those proportions
/// (largest remainders, so 100 tenants are 90, 9, 1 and 0). Names, user counts, seeds and the order
/// of sizes are drawn from one seed: the same N and seed always give the same fleet.
public struct FleetProfile: Sendable, Hashable {
    public struct Tier: Sendable, Hashable {
        /// Tenants of this tier in the reference fleet.
        public var count: Int
        /// Users of each tenant, drawn uniformly.
        public var users: ClosedRange<Int>

        public init(count: Int, users: ClosedRange<Int>) {
            self.count = count
            self.users = users
        }
    }

    public var tiers: [Tier]

    public init(tiers: [Tier]) {
        self.tiers = tiers
    }

    public static let msp = FleetProfile(tiers: [
        Tier(count: 9_000, users: 10...50),
        Tier(count: 900, users: 200...500),
        Tier(count: 90, users: 2_000...5_000),
        Tier(count: 10, users: 20_000...20_000),
    ])

    /// The number of tenants the tiers' counts describe.
    public var referenceSize: Int { tiers.reduce(0) { $0 + $1.count } }

    /// Tenants of each tier in a fleet of `tenants`: the reference proportions, rounded by largest
    /// remainder so they add up to `tenants` exactly.
    public func tierCounts(tenants: Int) throws -> [Int] {
        guard tenants >= 0, tenants <= Self.maximumTenants else {
            throw SimulatorError(.invalidArgument, "a fleet has 0 to \(Self.maximumTenants) tenants (got \(tenants))")
        }
        let reference = referenceSize
        guard reference > 0 else { throw SimulatorError(.invalidArgument, "a fleet profile needs a tier with tenants") }
        // Integer arithmetic: count × tenants stays far below Int.max for the bounds above.
        var counts = tiers.map { $0.count * tenants / reference }
        let remainders = tiers.enumerated().map { index, tier in (index, tier.count * tenants % reference) }
        var missing = tenants - counts.reduce(0, +)
        for (index, _) in remainders.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }) where missing > 0 {
            counts[index] += 1
            missing -= 1
        }
        return counts
    }

    /// The fleet's tenants, named `{prefix}00001`…, each with its own seed and user count; sizes are
    /// shuffled so that any prefix of the list is a mix, as an MSP's customer list is.
    public func specifications(tenants: Int, seed: UInt64, prefix: String = "fleet") throws -> [TenantSpecification] {
        guard !prefix.isEmpty, prefix.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw SimulatorError(.invalidArgument, "a fleet prefix is letters, digits and dashes: '\(prefix)'")
        }
        var tierOfTenant: [Int] = []
        for (tier, count) in try tierCounts(tenants: tenants).enumerated() {
            tierOfTenant += Array(repeating: tier, count: count)
        }
        var random = DeterministicRandom(seed: seed, salt: "fleet:" + prefix)
        tierOfTenant.shuffle(using: &random)
        return tierOfTenant.enumerated().map { index, tier in
            let name = prefix + Self.paddedNumber(index + 1)
            let users = random.int(in: tiers[tier].users)
            return TenantSpecification(name: name, profile: SeedProfile(name: "users=\(users)", users: users),
                                       seed: seed &+ UInt64(index + 1))
        }
    }

    /// Large enough for any MSP; bounds the lists built from it.
    public static let maximumTenants = 100_000

    private static func paddedNumber(_ value: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, 5 - digits.count)) + digits
    }
}
