import Foundation
import Graph
import JSON
import Vault

/// Authentication strengths and contexts, written before conditional access so the policies that
/// require them can be restored whole: a recreated custom strength's new id is what the policies'
/// `grantControls.authenticationStrength.id` becomes.
extension PlanningContext {
    static let strength = "authenticationStrengthPolicy"
    static let strengthConfigurations = "authenticationStrengthPolicy.combinationConfigurations"
    static let authenticationContext = "authenticationContextClassReference"

    /// Maps custom strengths by id, else display name; built-in ones keep their id everywhere.
    mutating func matchAuthenticationStrengths() {
        guard types.contains(Self.strength) || types.contains("conditionalAccessPolicy") else { return }
        var byName: [String: String] = [:]
        for (id, object) in target[Self.strength] {
            if let name = object["displayName"]?.stringValue?.lowercased() { byName[name] = byName[name] ?? id }
        }
        for (id, object) in source[Self.strength] {
            if target[Self.strength][id] != nil || object["policyType"]?.stringValue == "builtIn" {
                known.ids[id] = id
            } else if let name = object["displayName"]?.stringValue?.lowercased(), let match = byName[name] {
                known.ids[id] = match
            }
        }
    }

    /// Missing custom strengths are created (with their combination configurations); existing
    /// ones get their name, description, combinations and configurations back.
    mutating func planAuthenticationStrengths() {
        guard types.contains(Self.strength), let entry = ResourceCatalogue.entry(named: Self.strength) else { return }
        for (id, object) in source[Self.strength].sorted(by: { $0.key < $1.key }) where inScope(Self.strength, id) {
            if object["policyType"]?.stringValue == "builtIn" { continue }
            guard let targetID = known.ids[id] else {
                pending.insert(id)
                add(.principals, .create, Self.strength, id, after: object, before: nil,
                    naturalKey: NaturalKey.values(of: object, type: Self.strength))
                continue
            }
            guard let current = target[Self.strength][targetID], !scope.onlyMissing else { continue }
            let names = Self.writableDifferences(entry, desired: object, current: current, rewrites: rewrites)
            if names.contains(where: { $0 != "allowedCombinations" }) {
                add(.patches, .patch, Self.strength, id, after: object, before: current)
            }
            if names.contains("allowedCombinations") {
                add(.principals, .patch, Self.strength, id + "/allowedCombinations", after: object, before: current)
            }
        }
        guard types.contains(Self.strengthConfigurations) else { return }
        for (key, object) in source[Self.strengthConfigurations].sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/").map(String.init)
            guard parts.count == 2, inScope(Self.strength, parts[0]) || scope.includes(key: key) else { continue }
            let parentTarget = known.ids[parts[0]]
            let siblings = parentTarget.map { parent in
                target[Self.strengthConfigurations].filter { $0.key.hasPrefix(parent + "/") }.map(\.value)
            } ?? []
            let kind = object["@odata.type"]
            let appliesTo = Set((object["appliesToCombinations"]?.arrayValue ?? []).compactMap(\.stringValue))
            if let current = siblings.first(where: {
                $0["@odata.type"] == kind && Set(($0["appliesToCombinations"]?.arrayValue ?? []).compactMap(\.stringValue)) == appliesTo
            }) {
                guard !scope.onlyMissing, let currentID = current["id"]?.stringValue,
                      !AttributeChange.between(object, current, ignoring: ["id"]).isEmpty else { continue }
                known.ids[parts[1]] = currentID
                add(.patches, .patch, Self.strengthConfigurations, key, after: object, before: current)
            } else if parentTarget != nil || pending.contains(parts[0]) {
                add(.patches, .create, Self.strengthConfigurations, key, after: object, before: nil)
            }
        }
    }

    /// Contexts `c1`…`c99` are the same ids everywhere: a missing or changed one is written with PATCH.
    mutating func planAuthenticationContexts() {
        guard types.contains(Self.authenticationContext), let entry = ResourceCatalogue.entry(named: Self.authenticationContext)
        else { return }
        for (id, object) in source[Self.authenticationContext].sorted(by: { $0.key < $1.key }) where inScope(Self.authenticationContext, id) {
            known.ids[id] = id
            if let current = target[Self.authenticationContext][id] {
                guard !scope.onlyMissing,
                      !Self.writableDifferences(entry, desired: object, current: current, rewrites: rewrites).isEmpty else { continue }
                add(.principals, .patch, Self.authenticationContext, id, after: object, before: current)
            } else {
                add(.principals, .create, Self.authenticationContext, id, after: object, before: nil)
            }
        }
    }
}

extension ExecutionRun {
    /// Requests of authentication strengths and contexts: nil when the step is not one of theirs.
    func authenticationStrengthRequest(for step: RestoreStep, id: String) -> GraphBatchRequest?? {
        let json = ["Content-Type": "application/json"]
        let parts = step.sourceKey.split(separator: "/").map(String.init)
        switch (step.type, step.action) {
        case (PlanningContext.authenticationContext, _):
            guard let object = step.after?.objectValue else { return .some(nil) }
            var body: JSONObject = [:]
            for name in ["displayName", "description", "isAvailable"] { body[name] = object[name] ?? .null }
            return GraphBatchRequest(id: id, method: "PATCH",
                                     url: "/identity/conditionalAccess/authenticationContextClassReferences/\(step.sourceKey)",
                                     headers: json, body: .object(body))
        case (PlanningContext.strength, .patch) where parts.count == 2:
            guard let target = self.mapped(parts[0]), let combinations = step.after?["allowedCombinations"] else { return .some(nil) }
            return GraphBatchRequest(id: id, method: "POST", url: "/policies/authenticationStrengthPolicies/\(target)/updateAllowedCombinations",
                                     headers: json, body: .object(["allowedCombinations": combinations]))
        case (PlanningContext.strength, .patch):
            guard let target = self.mapped(step.sourceKey), let object = step.after?.objectValue else { return .some(nil) }
            var body: JSONObject = [:]
            for name in ["displayName", "description"] where object[name] != step.before?[name] { body[name] = object[name] ?? .null }
            guard !body.isEmpty else { return .some(nil) }
            return GraphBatchRequest(id: id, method: "PATCH", url: "/policies/authenticationStrengthPolicies/\(target)",
                                     headers: json, body: .object(body))
        case (PlanningContext.strengthConfigurations, .patch):
            guard parts.count == 2, let policy = self.mapped(parts[0]), let configuration = self.mapped(parts[1]),
                  let object = step.after?.objectValue else { return .some(nil) }
            var body = object
            body["id"] = nil
            return GraphBatchRequest(id: id, method: "PATCH",
                                     url: "/policies/authenticationStrengthPolicies/\(policy)/combinationConfigurations/\(configuration)",
                                     headers: json, body: .object(body))
        default:
            return nil
        }
    }
}
