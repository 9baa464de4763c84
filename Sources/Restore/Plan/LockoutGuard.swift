import Graph
import Vault

/// Flags conditional access policies a plan writes that would block every holder of a privileged
/// role (no break-glass exclusion): restoring a bad policy must not lock the MSP out.
struct LockoutGuard: Sendable {
    let privilegedRoleTemplates: Set<String>

    func findings(steps: [RestoreStep], source: TenantObjects, target: TenantObjects, map: IDMap,
                  sameTenant: Bool) -> [LockoutFinding] {
        let written = steps.filter { $0.type == "conditionalAccessPolicy" && ($0.action == .create || $0.action == .patch) }
        guard !written.isEmpty else { return [] }
        // Holders in source terms: the snapshot's assignments, plus the target's (mapped back).
        var holders: [String: Set<String>] = [:]  // principal → privileged role templates held
        var members: [String: Set<String>] = [:]  // group → members
        for object in source["roleAssignment"].values {
            if let principal = object["principalId"]?.stringValue, let role = object["roleDefinitionId"]?.stringValue,
               privilegedRoleTemplates.contains(role.lowercased()) {
                holders[principal, default: []].insert(role.lowercased())
            }
        }
        let reverse = Dictionary(map.ids.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        for object in target["roleAssignment"].values {
            if let principal = object["principalId"]?.stringValue, let role = object["roleDefinitionId"]?.stringValue,
               privilegedRoleTemplates.contains(role.lowercased()) {
                holders[reverse[principal] ?? (sameTenant ? principal : "target:" + principal), default: []].insert(role.lowercased())
            }
        }
        for key in source["group.members"].keys {
            let parts = key.split(separator: "/").map(String.init)
            if parts.count == 2 { members[parts[1], default: []].insert(parts[0]) }
        }
        guard !holders.isEmpty else { return [] }
        var findings: [LockoutFinding] = []
        for step in written {
            guard let policy = step.after, policy["state"]?.stringValue == "enabled",
                  (policy["grantControls"]?["builtInControls"]?.arrayValue ?? []).contains(.string("block")) else { continue }
            let users = policy["conditions"]?["users"]
            func list(_ name: String) -> Set<String> {
                Set((users?[name]?.arrayValue ?? []).compactMap { $0.stringValue?.lowercased() })
            }
            let blocked = holders.allSatisfy { principal, roles in
                let id = principal.lowercased()
                let groups = members[principal] ?? []
                let included = list("includeUsers").contains("all") || list("includeUsers").contains(id)
                    || !list("includeRoles").isDisjoint(with: roles) || !list("includeGroups").isDisjoint(with: groups.map { $0.lowercased() })
                let excluded = list("excludeUsers").contains(id) || !list("excludeRoles").isDisjoint(with: roles)
                    || !list("excludeGroups").isDisjoint(with: groups.map { $0.lowercased() })
                return included && !excluded
            }
            if blocked {
                findings.append(LockoutFinding(
                    policyID: step.sourceKey, policyName: policy["displayName"]?.stringValue ?? step.sourceKey,
                    reason: "blocks all \(holders.count) holders of Global or Privileged Role Administrator and excludes no break-glass account"))
            }
        }
        return findings
    }

    /// The findings against the tenant as it is now (`live`, in target ids): the holders of the
    /// privileged roles are the live ones (mapped back to source ids through `map`) plus those
    /// whose assignments the plan itself recreates; memberships are the live ones. Checked again
    /// when a plan is applied: between plan and apply the break-glass account may have lost its
    /// role, or new administrators appeared.
    func liveFindings(steps: [RestoreStep], live: TenantObjects, map: IDMap, sameTenant: Bool) -> [LockoutFinding] {
        let reverse = Dictionary(map.ids.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        func sourceID(_ id: Substring) -> String { reverse[String(id)] ?? (sameTenant ? String(id) : "target:" + id) }
        var members = TenantObjects()
        for (key, value) in live["group.members"] {
            let parts = key.split(separator: "/")
            guard parts.count == 2 else { continue }
            members["group.members"][sourceID(parts[0]) + "/" + sourceID(parts[1])] = value
        }
        for step in steps where step.type == "roleAssignment" && step.action == .create {
            if let after = step.after { members["roleAssignment"][step.sourceKey] = after }
        }
        return self.findings(steps: steps, source: members, target: TenantObjects(types: ["roleAssignment": live["roleAssignment"]]),
                             map: map, sameTenant: sameTenant)
    }
}
