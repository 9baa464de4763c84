import Foundation
import Graph
import JSON
import Vault

/// Custom security attributes: sets, definitions and predefined values are named by the tenant
/// (the same names in every tenant) and can never be deleted, only deactivated; the values on
/// users and service principals are written with `PATCH` of `customSecurityAttributes`, where a
/// null removes an attribute.
extension PlanningContext {
    /// Value types, by the object type they are written on.
    static let securityAttributeValueTypes: [String: String] = [
        "userSecurityAttributes": "/users", "servicePrincipalSecurityAttributes": "/servicePrincipals",
    ]
    static let attributeDefinitionWritable = ["description", "status", "usePreDefinedValuesOnly"]

    /// Null, absent, or an object or array without members.
    static func isUnset(_ value: CanonicalJSON?) -> Bool {
        switch value {
        case nil, .null?: return true
        case .object(let members)?: return members.isEmpty
        case .array(let items)?: return items.isEmpty
        default: return false
        }
    }

    mutating func planCustomSecurityAttributes() {
        func differs(_ object: CanonicalJSON, _ current: CanonicalJSON, _ names: [String]) -> Bool {
            names.contains { !AttributeChange.between(object[$0] ?? .null, current[$0] ?? .null).isEmpty }
        }
        // Sets and definitions: matched by id (their name), recreated, or reverted where writable.
        let kinds: [(type: String, phase: RestorableTypes.Phase, writable: [String])] = [
            ("attributeSet", .principals, ["description", "maxAttributesPerSet"]),
            ("customSecurityAttributeDefinition", .applications, Self.attributeDefinitionWritable),
        ]
        for kind in kinds where types.contains(kind.type) {
            let current = Dictionary(target[kind.type].map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            for (id, object) in source[kind.type].sorted(by: { $0.key < $1.key }) where inScope(kind.type, id) {
                guard let have = current[id.lowercased()] else {
                    add(kind.phase, .create, kind.type, id, after: object, before: nil)
                    continue
                }
                known.ids[id] = have["id"]?.stringValue ?? id
                if !scope.onlyMissing && differs(object, have, kind.writable) {
                    add(.patches, .patch, kind.type, id, after: object, before: have)
                }
            }
        }
        let values = "customSecurityAttributeDefinition.allowedValues"
        if types.contains(values) {
            for (key, object) in source[values].sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                guard parts.count == 2, scope.includes(key: parts[0]) || scope.includes(key: key) else { continue }
                if let have = target[values][key] {
                    if !scope.onlyMissing && differs(object, have, ["isActive"]) {
                        add(.patches, .patch, values, key, after: object, before: have)
                    }
                } else {
                    add(.patches, .create, values, key, after: object, before: nil)
                }
            }
        }
        // Values: each object's attributes made equal to the snapshot's.
        for (type, _) in Self.securityAttributeValueTypes.sorted(by: { $0.key < $1.key }) where types.contains(type) {
            let owner = type == "userSecurityAttributes" ? "user" : "servicePrincipal"
            var covered = Set<String>()
            for (id, object) in source[type].sorted(by: { $0.key < $1.key }) where inScope(type, id) {
                if unrestorable.contains(id) { continue }
                let targetID = known.ids[id] ?? (sameTenant && !pending.contains(id) ? id : nil)
                if let targetID { covered.insert(targetID.lowercased()) }
                let have = targetID.flatMap { target[type][$0] } ?? .object(["id": .string(targetID ?? id)])
                guard !Self.securityAttributeChanges(from: have["customSecurityAttributes"],
                                                     to: object["customSecurityAttributes"]).isEmpty else { continue }
                if targetID == nil && !pending.contains(id) {
                    actions.append(OperatorAction(type: type, objectID: id, action:
                        "the \(owner) is neither in the target nor restored by this plan, so its custom security attributes cannot be written"))
                    continue
                }
                add(.relationships, .patch, type, id, after: object, before: have)
            }
            // Values set since the backup, on objects the snapshot has none for: only in the same
            // tenant, and only when the snapshot holds values at all (a read without the assignment
            // permission answers every object with none).
            guard sameTenant, !scope.onlyMissing, scope.ids == nil, !source[type].isEmpty else { continue }
            for (id, have) in target[type].sorted(by: { $0.key < $1.key }) where !covered.contains(id.lowercased()) {
                add(.relationships, .patch, type, id, after: .object(["id": .string(id)]), before: have)
            }
        }
    }

    /// The `customSecurityAttributes` body that turns `current` into `desired`: every attribute of
    /// `desired` with its type annotation, and a null for each attribute only `current` has.
    static func securityAttributeChanges(from current: CanonicalJSON?, to desired: CanonicalJSON?) -> JSONObject {
        var body = JSONObject()
        let want = desired?.objectValue ?? [:]
        let have = current?.objectValue ?? [:]
        for set in want.keys + have.keys.filter({ !want.contains($0) }) where !body.contains(set) {
            let wanted = want[set]?.objectValue ?? [:]
            let held = have[set]?.objectValue ?? [:]
            var changes = JSONObject()
            for (name, value) in wanted where !name.hasPrefix("@") && !name.contains("@odata.type") {
                if let before = held[name], AttributeChange.between(value, before).isEmpty { continue }
                if let annotation = wanted["\(name)@odata.type"] { changes["\(name)@odata.type"] = annotation }
                changes[name] = value
            }
            for (name, _) in held where !name.hasPrefix("@") && !name.contains("@odata.type") && wanted[name] == nil {
                changes[name] = .null
            }
            guard !changes.isEmpty else { continue }
            var value = JSONObject()
            value["@odata.type"] = .string("#Microsoft.DirectoryServices.CustomSecurityAttributeValue")
            for (name, member) in changes { value[name] = member }
            body[set] = .object(value)
        }
        return body
    }
}

extension ExecutionRun {
    /// Requests of the custom security attribute types; nil when the step is not one of them.
    func customSecurityAttributeRequest(for step: RestoreStep, id: String) -> GraphBatchRequest?? {
        let json = ["Content-Type": "application/json"]
        let object = step.after?.objectValue ?? [:]
        func pick(_ names: [String]) -> CanonicalJSON {
            var body = JSONObject()
            for name in names { if let value = object[name] { body[name] = value } }
            return .object(body)
        }
        switch (step.type, step.action) {
        case ("attributeSet", .create):
            return GraphBatchRequest(id: id, method: "POST", url: "/directory/attributeSets", headers: json,
                                     body: pick(["id", "description", "maxAttributesPerSet"]))
        case ("attributeSet", .patch):
            return GraphBatchRequest(id: id, method: "PATCH", url: "/directory/attributeSets/\(step.sourceKey)", headers: json,
                                     body: pick(["description", "maxAttributesPerSet"]))
        case ("customSecurityAttributeDefinition", .create):
            return GraphBatchRequest(id: id, method: "POST", url: "/directory/customSecurityAttributeDefinitions", headers: json,
                                     body: pick(["attributeSet", "description", "isCollection", "isSearchable", "name", "status", "type",
                                                 "usePreDefinedValuesOnly"]))
        case ("customSecurityAttributeDefinition", .patch):
            return GraphBatchRequest(id: id, method: "PATCH", url: "/directory/customSecurityAttributeDefinitions/\(step.sourceKey)",
                                     headers: json, body: pick(PlanningContext.attributeDefinitionWritable))
        case ("customSecurityAttributeDefinition.allowedValues", .create), ("customSecurityAttributeDefinition.allowedValues", .patch):
            let parts = step.sourceKey.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return .some(nil) }
            let base = "/directory/customSecurityAttributeDefinitions/\(parts[0])/allowedValues"
            if step.action == .create {
                return GraphBatchRequest(id: id, method: "POST", url: base, headers: json, body: pick(["id", "isActive"]))
            }
            return GraphBatchRequest(id: id, method: "PATCH", url: "\(base)/\(parts[1])", headers: json, body: pick(["isActive"]))
        case (let type, .patch):
            guard let collection = PlanningContext.securityAttributeValueTypes[type] else { return nil }
            guard let targetID = self.mapped(step.sourceKey) else { return .some(nil) }
            let changes = PlanningContext.securityAttributeChanges(from: step.before?["customSecurityAttributes"],
                                                                   to: step.after?["customSecurityAttributes"])
            guard !changes.isEmpty else { return .some(nil) }
            return GraphBatchRequest(id: id, method: "PATCH", url: "\(collection)/\(targetID)", headers: json,
                                     body: .object(["customSecurityAttributes": .object(changes)]))
        default:
            return nil
        }
    }
}
