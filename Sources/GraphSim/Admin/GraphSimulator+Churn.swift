import Foundation

/// A simulated day of an MSP's customers changing their directories: which tenants change, and how
/// much.
public struct ChurnSpecification: Sendable, Hashable {
    /// Fraction of the candidate tenants that change during the day (0–1).
    public var share: Double
    /// Which day: the tenants chosen and the changes made follow from it (and `seed`), so a run can
    /// be repeated.
    public var day: Int
    public var seed: UInt64
    /// Tenants whose names start with this are candidates (nil: every tenant).
    public var namePrefix: String?

    public init(share: Double = ChurnSpecification.defaultShare, day: Int, seed: UInt64 = 1, namePrefix: String? = nil) {
        self.share = share
        self.day = day
        self.seed = seed
        self.namePrefix = namePrefix
    }

    /// On a working day a fifth of small customers have an administrator change something (a new
    /// starter, a leaver, a title or a group): an estimate, not a published figure.
    public static let defaultShare = 0.2
}

/// What one simulated day of churn changed.
public struct ChurnResult: Sendable, Hashable {
    /// Names of the tenants that changed.
    public var tenants: [String]
    /// Users updated, created and deleted, and members added to groups, over all those tenants.
    public var updatedUsers = 0
    public var createdUsers = 0
    public var deletedUsers = 0
    public var addedMembers = 0
    /// Candidate tenants the share was taken of.
    public var candidates = 0
}

extension GraphSimulator {
    /// Changes `share` of the candidate tenants the way a working day does: each chosen tenant gets
    /// about 1% of its users' job titles changed (at least one), a new starter three times in ten
    /// (plus one per 500 users), a leaver (soft-deleted) one time in five, and a user added to a
    /// group. Each change is an ordinary incident, so it is in the audit log and the delta change
    /// logs as an administrator's edit would be. Tenants not chosen are not touched (nor seeded).
    @discardableResult
    public func churn(_ specification: ChurnSpecification) throws -> ChurnResult {
        guard specification.share.isFinite, (0...1).contains(specification.share) else {
            throw SimulatorError(.invalidArgument, "share is a fraction from 0 to 1 (got \(specification.share))")
        }
        guard specification.day >= 0 else {
            throw SimulatorError(.invalidArgument, "day is 0 or more (got \(specification.day))")
        }
        let prefix = specification.namePrefix?.lowercased()
        let candidates = tenants.filter { prefix == nil || $0.name.hasPrefix(prefix!) }
        var random = DeterministicRandom(seed: specification.seed &+ UInt64(specification.day), salt: "churn:" + (prefix ?? ""))
        let count = Int((Double(candidates.count) * specification.share).rounded())
        let chosen = random.distinctIndices(count, below: max(candidates.count, 1)).filter { $0 < candidates.count }.sorted()
        var result = ChurnResult(tenants: [], candidates: candidates.count)
        let actor = Actor.administrator("customer administrator")
        for index in chosen {
            let tenant = candidates[index]
            var draws = DeterministicRandom(seed: specification.seed &+ UInt64(specification.day), salt: "churn:" + tenant.name)
            let users = tenant.withDirectory { $0.userCount }
            let title = "Churn day \(specification.day)"
            let updated = try apply(.changeAttribute(type: "user", count: max(1, users / 100), property: "jobTitle", value: .string(title)),
                                    tenant: tenant.id, actor: actor)
            result.updatedUsers += updated.affectedIds.count
            let starters = (draws.chance(0.3) ? 1 : 0) + users / 500
            if starters > 0 {
                result.createdUsers += try apply(.createUsers(count: starters), tenant: tenant.id, actor: actor).affectedIds.count
            }
            if draws.chance(0.2) {
                result.deletedUsers += try apply(.deleteUsers(count: 1), tenant: tenant.id, actor: actor).affectedIds.count
            }
            let groupId = tenant.withDirectory { directory -> String? in
                let assigned = directory.collection(.group).all { entity in
                    entity.object["groupTypes"]?.stringArray.contains("DynamicMembership") != true
                        && entity.object["membershipRule"]?.stringValue == nil
                        && entity.object["isAssignableToRole"]?.boolValue != true
                }
                return assigned.isEmpty ? nil : assigned[draws.below(assigned.count)].id
            }
            if let groupId {
                result.addedMembers += try apply(.addGroupMembers(groupId: groupId, count: 1), tenant: tenant.id, actor: actor).affectedIds.count
            }
            result.tenants.append(tenant.name)
        }
        logger.info("graph-sim churned tenants", metadata: [
            "churn.day": .stringConvertible(specification.day), "churn.tenants": .stringConvertible(result.tenants.count),
            "churn.candidates": .stringConvertible(candidates.count),
        ])
        return result
    }
}
