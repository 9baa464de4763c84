import Foundation
import Graph
import JSON
import Vault

/// PIM-correct restore: eligibilities and time-bound active assignments come back as schedule
/// requests with their original end, activations never come back (as anything), expired
/// schedules are reported instead of recreated, and role settings are patched rule by rule.
extension PlanningContext {
    /// Schedule types, restored through `adminAssign` requests rather than `POST` to their list.
    static let scheduleRequestPaths: [String: String] = [
        "roleEligibilitySchedule": "/roleManagement/directory/roleEligibilityScheduleRequests",
        "roleAssignmentSchedule": "/roleManagement/directory/roleAssignmentScheduleRequests",
        "group.eligibilitySchedules": "/identityGovernance/privilegedAccess/group/eligibilityScheduleRequests",
        "group.assignmentSchedules": "/identityGovernance/privilegedAccess/group/assignmentScheduleRequests",
    ]
    static let roleAssignmentFields = ["principalId", "roleDefinitionId", "directoryScopeId"]
    /// What identifies a PIM for Groups schedule: the group, the principal, membership or ownership.
    static let groupAccessFields = ["groupId", "principalId", "accessId"]
    /// Active schedule types, whose permanent schedules come back as plain assignments or links.
    static let activeScheduleTypes: Set<String> = ["roleAssignmentSchedule", "group.assignmentSchedules"]

    static func scheduleFields(_ type: String) -> [String] {
        type.hasPrefix("group.") ? groupAccessFields : roleAssignmentFields
    }

    static func isActivation(_ object: CanonicalJSON) -> Bool {
        object["assignmentType"]?.stringValue?.lowercased() == "activated"
    }

    /// Group links (`group.members` and `group.owners` keys, `group/principal`) that PIM for Groups
    /// manages in `objects`: activations and time-bound active assignments, each with why a plain
    /// link is wrong for it.
    static func scheduledGroupLinks(_ objects: TenantObjects) -> [String: String] {
        var result: [String: String] = [:]
        for schedule in objects["group.assignmentSchedules"].values {
            guard let group = schedule["groupId"]?.stringValue, let principal = schedule["principalId"]?.stringValue else { continue }
            let type = schedule["accessId"]?.stringValue?.lowercased() == "owner" ? "group.owners" : "group.members"
            let key = type + " " + group.lowercased() + "/" + principal.lowercased()
            if isActivation(schedule) {
                result[key] = "an activation of eligible group \(type == "group.owners" ? "ownership" : "membership") cannot be "
                    + "restored as a link (it would be permanent): the eligibility it came from is restored instead"
            } else if scheduleEnd(schedule) != nil {
                result[key] = "time-bound: restored as an active group assignment schedule with its original end"
            }
        }
        return result
    }

    static func content(_ object: CanonicalJSON, _ fields: [String]) -> [String] {
        fields.map { object[$0]?.stringValue?.lowercased() ?? "" }
    }

    /// Role assignments (by principal, role and scope) that PIM manages in the snapshot: those an
    /// activation made, and time-bound ones, each with why a plain role assignment is wrong for it.
    var scheduledAssignments: [[String]: String] {
        var result: [[String]: String] = [:]
        for instance in source["roleAssignmentScheduleInstance"].values {
            let key = Self.content(instance, Self.roleAssignmentFields)
            if instance["assignmentType"]?.stringValue == "Activated" {
                result[key] = "an activation of an eligible role cannot be restored as an assignment (it would be permanent): "
                    + "the eligibility it came from is restored instead"
            } else if let end = instance["endDateTime"], end != .null {
                result[key] = "time-bound: restored as an active assignment schedule with its original end"
            }
        }
        return result
    }

    /// When a schedule ends (nil: never), from `scheduleInfo`.
    static func scheduleEnd(_ object: CanonicalJSON) -> Date? {
        let info = object["scheduleInfo"]
        let expiration = info?["expiration"]
        switch expiration?["type"]?.stringValue {
        case "afterDateTime":
            return expiration?["endDateTime"]?.stringValue.flatMap(GraphTimestamp.parse)
        case "afterDuration":
            guard let start = info?["startDateTime"]?.stringValue.flatMap(GraphTimestamp.parse),
                  let seconds = expiration?["duration"]?.stringValue.flatMap(durationSeconds) else { return nil }
            return start.addingTimeInterval(seconds)
        default:
            return nil
        }
    }

    /// Days, hours, minutes and seconds of an ISO 8601 duration (`P90D`, `PT8H`); PIM uses no others.
    static func durationSeconds(_ text: String) -> TimeInterval? {
        guard text.hasPrefix("P") else { return nil }
        var total: TimeInterval = 0
        var number = ""
        var time = false
        for character in text.dropFirst() {
            if character == "T" { time = true; continue }
            if character.isNumber || character == "." { number.append(character); continue }
            guard let value = Double(number), value < 1_000_000 else { return nil }
            number = ""
            switch (time, character) {
            case (false, "D"): total += value * 86_400
            case (false, "W"): total += value * 604_800
            case (true, "H"): total += value * 3_600
            case (true, "M"): total += value * 60
            case (true, "S"): total += value
            default: return nil
            }
        }
        return number.isEmpty ? total : nil
    }

    /// Eligibility and time-bound active schedules the target lacks, as `adminAssign` requests.
    mutating func planSchedules(now: Date) {
        for type in Self.scheduleRequestPaths.keys.sorted() where types.contains(type) {
            guard let entry = ResourceCatalogue.entry(named: type) else { continue }
            let fields = Self.scheduleFields(type)
            let live = Set(target[type].values.map { Self.content($0, fields) })
            for (key, object) in source[type].sorted(by: { $0.key < $1.key }) {
                let ids = fields.compactMap { object[$0]?.stringValue }
                guard scope.ids == nil || scope.includes(key: key) || ids.contains(where: { scope.includes(key: $0) }) else { continue }
                if ids.contains(where: unrestorable.contains) { continue }
                let referencesPending = ids.contains { pending.contains($0) }
                let desired = remapper.remap(object, entry: entry)
                if !referencesPending && live.contains(Self.content(desired, fields)) { continue }
                if Self.activeScheduleTypes.contains(type) {
                    if Self.isActivation(object) {
                        let what = type == "roleAssignmentSchedule" ? "an eligible role cannot be restored as an assignment"
                            : "eligible group access cannot be restored as a group assignment"
                        actions.append(OperatorAction(type: type, objectID: key, action:
                            "an activation of \(what) (it would be permanent): the eligibility it came from is restored instead"))
                        continue
                    }
                    // A permanent active assignment comes back as a roleAssignment, or as a group member or owner.
                    if Self.scheduleEnd(object) == nil { continue }
                }
                if let end = Self.scheduleEnd(object), end <= now {
                    actions.append(OperatorAction(type: type, objectID: key, action:
                        "expired at \(ISO8601DateFormatter().string(from: end)), so it cannot be restored with its original bounds: assign it again in PIM if it is still needed"))
                    continue
                }
                if !referencesPending, entry.references.contains(where: { desired[$0.path] == .null }) { continue }
                add(.assignments, .create, type, key, after: object, before: nil, naturalKey: NaturalKey.values(of: object, type: type))
            }
        }
    }

    /// Role settings: each source policy's rules that differ from the target's policy for the same
    /// role, patched one by one. The target policy's id is recorded in the map for the apply.
    mutating func planRoleSettings() {
        guard types.contains("roleManagementPolicy"), !scope.onlyMissing,
              let entry = ResourceCatalogue.entry(named: "roleManagementPolicy") else { return }
        func policyByRole(_ objects: TenantObjects) -> [String: String] {
            var result: [String: String] = [:]
            for assignment in objects["roleManagementPolicyAssignment"].values {
                if let role = assignment["roleDefinitionId"]?.stringValue?.lowercased(), let policy = assignment["policyId"]?.stringValue {
                    result[role] = policy
                }
            }
            return result
        }
        let sourceRoles = Dictionary(policyByRole(source).map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let targetPolicies = policyByRole(target)
        for (policyID, policy) in source["roleManagementPolicy"].sorted(by: { $0.key < $1.key }) where inScope("roleManagementPolicy", policyID) {
            guard let role = sourceRoles[policyID] else { continue }
            if pending.contains(role) {
                actions.append(OperatorAction(type: "roleManagementPolicy", objectID: policyID, action:
                    "the settings of custom role \(role) cannot be written before Entra creates the recreated role's policy: restore role settings again after this restore"))
                continue
            }
            let targetRole = (known.ids[role] ?? role).lowercased()
            guard let targetPolicyID = targetPolicies[targetRole], let current = target["roleManagementPolicy"][targetPolicyID] else {
                continue
            }
            known.ids[policyID] = targetPolicyID
            let desired = remapper.remap(policy, entry: entry)
            var currentRules: JSONObject = [:]
            for rule in current["rules"]?.arrayValue ?? [] {
                if let id = rule["id"]?.stringValue { currentRules[id] = rule }
            }
            let sourceRules = policy["rules"]?.arrayValue ?? []
            for (index, rule) in (desired["rules"]?.arrayValue ?? []).enumerated() {
                guard let ruleID = rule["id"]?.stringValue, let have = currentRules[ruleID], index < sourceRules.count else { continue }
                if AttributeChange.between(rule, have).isEmpty { continue }
                add(.patches, .patch, "roleManagementPolicy", policyID + "/" + ruleID, after: sourceRules[index], before: have)
            }
        }
    }
}

extension ExecutionRun {
    /// The request of a step whose type Graph writes in its own way (schedule requests, rule
    /// patches, strength actions, context upserts); nil when the generic request is right.
    func typeSpecificRequest(for step: RestoreStep, id: String) -> GraphBatchRequest?? {
        if let request = self.privilegedAccessRequest(for: step, id: id) { return request }
        if let request = self.tenantPolicyRequest(for: step, id: id) { return request }
        if let request = self.customSecurityAttributeRequest(for: step, id: id) { return request }
        if let request = self.brandingRequest(for: step, id: id) { return request }
        return self.authenticationStrengthRequest(for: step, id: id)
    }

    /// Requests of the PIM types: nil when the step is not one of them.
    func privilegedAccessRequest(for step: RestoreStep, id: String) -> GraphBatchRequest?? {
        let json = ["Content-Type": "application/json"]
        switch (step.type, step.action) {
        case ("roleManagementPolicy", .patch):
            let parts = step.sourceKey.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2, let entry = ResourceCatalogue.entry(named: step.type), let rule = step.after,
                  let policy = self.map.ids[parts[0]] ?? (plan.isCrossTenant ? nil : parts[0]) else { return .some(nil) }
            let remapped = remapper.remap(.object(["rules": .array([rule])]), entry: entry)["rules"]?.arrayValue?.first ?? rule
            return GraphBatchRequest(id: id, method: "PATCH", url: "/policies/roleManagementPolicies/\(policy)/rules/\(parts[1])",
                                     headers: json, body: remapped)
        case (let type, .create):
            guard let path = PlanningContext.scheduleRequestPaths[type] else { return nil }
            guard let entry = ResourceCatalogue.entry(named: type), let object = step.after else { return .some(nil) }
            let desired = remapper.remap(object, entry: entry)
            var body: JSONObject = [
                "action": .string("adminAssign"),
                "justification": .string("Restored by Holdfast from a backup"),
            ]
            for field in PlanningContext.scheduleFields(type) {
                guard let value = desired[field], value != .null else { return .some(nil) }
                body[field] = value
            }
            // The original end; a start in the past means now (PIM schedules cannot begin before they are requested).
            let info = object["scheduleInfo"]
            let start = info?["startDateTime"]?.stringValue.flatMap(GraphTimestamp.parse).map { max($0, Date()) } ?? Date()
            var expiration: JSONObject = ["type": .string("noExpiration")]
            if let end = PlanningContext.scheduleEnd(object) {
                expiration = ["type": .string("afterDateTime"), "endDateTime": .string(ISO8601DateFormatter().string(from: end))]
            }
            body["scheduleInfo"] = .object([
                "startDateTime": .string(ISO8601DateFormatter().string(from: start)), "expiration": .object(expiration),
            ])
            return GraphBatchRequest(id: id, method: "POST", url: path, headers: json, body: .object(body))
        default:
            return nil
        }
    }
}
