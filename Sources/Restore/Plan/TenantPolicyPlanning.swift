import Foundation
import Graph
import JSON
import Vault

/// Tenant policies that Graph writes in their own ways: security defaults, the admin consent
/// request and device registration policies (singletons; the last two only by `PUT`), consent policies and their condition
/// sets, domain federation, external identity providers and cross-tenant user sync.
extension PlanningContext {
    static let identitySynchronization = "crossTenantAccessPolicy.partners.identitySynchronization"
    static let domainFederation = "domain.federationConfiguration"

    /// Consent policies: custom ones recreated with their id, their condition sets added and removed.
    mutating func planPermissionGrantPolicies() {
        let type = "permissionGrantPolicy"
        guard types.contains(type), let entry = ResourceCatalogue.entry(named: type) else { return }
        func conditions(_ object: CanonicalJSON?, _ set: String) -> [CanonicalJSON] { object?[set]?.arrayValue ?? [] }
        func content(_ condition: CanonicalJSON) -> CanonicalJSON {
            guard case .object(var members) = condition else { return condition }
            members["id"] = nil
            return .object(members)
        }
        for (id, object) in source[type].sorted(by: { $0.key < $1.key }) where inScope(type, id) {
            // Built-in policies are in every tenant, read-only: the target's is the same policy.
            if id.lowercased().hasPrefix("microsoft-") {
                if target[type][id] != nil { known.ids[id] = id }
                continue
            }
            known.ids[id] = id
            let current = target[type][id]
            if current == nil {
                add(.principals, .create, type, id, after: object, before: nil)
            } else if let current, !scope.onlyMissing,
                      !Self.writableDifferences(entry, desired: object, current: current, rewrites: rewrites)
                        .filter({ $0 != "includes" && $0 != "excludes" }).isEmpty {
                add(.patches, .patch, type, id, after: object, before: current)
            }
            for set in ["includes", "excludes"] {
                let have = conditions(current, set)
                let want = conditions(object, set)
                for condition in want where !have.contains(where: { content($0) == content(condition) }) {
                    add(.patches, .create, type, "\(id)/\(set)/\(condition["id"]?.stringValue ?? "")", after: condition, before: nil)
                }
                guard !scope.onlyMissing else { continue }
                for condition in have where !want.contains(where: { content($0) == content(condition) }) {
                    add(.removals, .removeReference, type, "\(id)/\(set)/\(condition["id"]?.stringValue ?? "")", after: nil, before: condition)
                }
            }
        }
    }

    /// Domain federation: recreated, reverted, and removed where the snapshot has none (a rogue
    /// identity provider). Only for domains the target has verified, under the same name.
    mutating func planDomainFederation() {
        let type = Self.domainFederation
        guard types.contains(type), let entry = ResourceCatalogue.entry(named: type) else { return }
        let verified = Set(target["domain"].filter { $0.value["isVerified"] == .bool(true) }.keys.map { $0.lowercased() })
        var sourceDomains = Set<String>()
        for (key, object) in source[type].sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/").map(String.init)
            guard parts.count == 2, scope.includes(key: parts[0]) || scope.includes(key: key) else { continue }
            let domain = parts[0].lowercased()
            sourceDomains.insert(domain)
            guard verified.contains(domain) else {
                actions.append(OperatorAction(type: type, objectID: key, action:
                    "the domain \(parts[0]) is not verified in the target, so its federation cannot be restored: verify it and restore again"))
                continue
            }
            known.ids[parts[0]] = parts[0]
            if let match = target[type].first(where: { $0.key.lowercased().hasPrefix(domain + "/") }) {
                let current = match.value
                known.ids[parts[1]] = String(match.key.split(separator: "/")[1])
                guard !scope.onlyMissing,
                      !Self.writableDifferences(entry, desired: object, current: current, rewrites: rewrites).isEmpty else { continue }
                add(.patches, .patch, type, key, after: object, before: current)
            } else {
                add(.patches, .create, type, key, after: object, before: nil)
            }
        }
        guard !scope.onlyMissing, scope.ids == nil else { return }
        for (key, current) in target[type].sorted(by: { $0.key < $1.key }) {
            let domain = String(key.split(separator: "/")[0]).lowercased()
            if !sourceDomains.contains(domain), source["domain"].keys.contains(where: { $0.lowercased() == domain }) {
                add(.removals, .removeReference, type, key, after: nil, before: current)
            }
        }
    }

    /// Custom identity providers (social, Apple, SAML/WS-Fed) recreated or reverted; secrets cannot be.
    mutating func planIdentityProviders() {
        let type = "identityProvider"
        guard types.contains(type), let entry = ResourceCatalogue.entry(named: type) else { return }
        for (id, object) in source[type].sorted(by: { $0.key < $1.key }) where inScope(type, id) {
            if object["@odata.type"]?.stringValue == "#microsoft.graph.builtInIdentityProvider" {
                if target[type][id] != nil { known.ids[id] = id }
                continue
            }
            if let current = target[type][id] {
                known.ids[id] = id
                guard !scope.onlyMissing,
                      !Self.writableDifferences(entry, desired: object, current: current, rewrites: rewrites).isEmpty else { continue }
                add(.patches, .patch, type, id, after: object, before: current)
            } else {
                pending.insert(id)
                add(.principals, .create, type, id, after: object, before: nil)
                if object["clientSecret"] != nil {
                    actions.append(OperatorAction(type: type, objectID: id, action:
                        "recreated without its client secret, which Graph never returns: set the secret of \(object["displayName"]?.stringValue ?? id) again"))
                }
            }
        }
    }

    /// Per-partner inbound user sync: written with PUT where it differs, deleted where the
    /// snapshot has none for a partner the snapshot has.
    mutating func planIdentitySynchronization() {
        let type = Self.identitySynchronization
        guard types.contains(type), let entry = ResourceCatalogue.entry(named: type) else { return }
        let partners = target["crossTenantAccessPolicy.partners"]
        for (key, object) in source[type].sorted(by: { $0.key < $1.key }) where scope.includes(key: key) {
            guard partners[key] != nil else {
                actions.append(OperatorAction(type: type, objectID: key, action:
                    "the partner \(key) is not in the target, so its identity synchronization policy cannot be written: add the partner and restore again"))
                continue
            }
            known.ids[key] = key
            if let current = target[type][key] {
                guard !scope.onlyMissing,
                      !Self.writableDifferences(entry, desired: object, current: current, rewrites: rewrites).isEmpty else { continue }
                add(.patches, .patch, type, key, after: object, before: current)
            } else {
                add(.patches, .create, type, key, after: object, before: nil)
            }
        }
        guard !scope.onlyMissing, scope.ids == nil else { return }
        for (key, current) in target[type].sorted(by: { $0.key < $1.key }) where source[type][key] == nil {
            add(.removals, .removeReference, type, key, after: nil, before: current)
        }
    }
}

extension ExecutionRun {
    /// Requests of the tenant policies Graph writes in their own ways; nil when the step is not one.
    func tenantPolicyRequest(for step: RestoreStep, id: String) -> GraphBatchRequest?? {
        let json = ["Content-Type": "application/json"]
        let parts = step.sourceKey.split(separator: "/").map(String.init)
        guard let entry = ResourceCatalogue.entry(named: step.type) else { return nil }
        func writable(_ object: CanonicalJSON?) -> CanonicalJSON? {
            guard case .object(let members)? = object.map({ remapper.remap($0, entry: entry) }) else { return nil }
            return .object(members.filter(keys: { RestorableTypes.isWritable($0, of: entry) || entry.createOnly.contains($0) && step.action == .create }))
        }
        switch (step.type, step.action) {
        case ("adminConsentRequestPolicy", .patch), ("deviceRegistrationPolicy", .patch):
            guard let body = writable(step.after) else { return .some(nil) }
            return GraphBatchRequest(id: id, method: "PUT", url: entry.listPath, headers: json, body: body)
        case ("permissionGrantPolicy", .create) where parts.count == 3:
            guard var condition = step.after?.objectValue else { return .some(nil) }
            condition["id"] = nil
            return GraphBatchRequest(id: id, method: "POST", url: "/policies/permissionGrantPolicies/\(parts[0])/\(parts[1])",
                                     headers: json, body: .object(condition))
        case ("permissionGrantPolicy", .removeReference) where parts.count == 3:
            return GraphBatchRequest(id: id, method: "DELETE", url: "/policies/permissionGrantPolicies/\(parts[0])/\(parts[1])/\(parts[2])")
        case ("permissionGrantPolicy", .create):
            guard let object = step.after?.objectValue else { return .some(nil) }
            var body: JSONObject = ["id": .string(step.sourceKey)]
            for name in ["displayName", "description"] { body[name] = object[name] ?? .null }
            return GraphBatchRequest(id: id, method: "POST", url: entry.listPath, headers: json, body: .object(body))
        case ("permissionGrantPolicy", .patch):
            guard let object = step.after?.objectValue else { return .some(nil) }
            var body: JSONObject = [:]
            for name in ["displayName", "description"] { body[name] = object[name] ?? .null }
            return GraphBatchRequest(id: id, method: "PATCH", url: "/policies/permissionGrantPolicies/\(step.sourceKey)",
                                     headers: json, body: .object(body))
        case (PlanningContext.domainFederation, .patch):
            guard parts.count == 2, let configuration = self.mapped(parts[1]), let body = writable(step.after) else { return .some(nil) }
            return GraphBatchRequest(id: id, method: "PATCH", url: "/domains/\(parts[0])/federationConfiguration/\(configuration)",
                                     headers: json, body: body)
        case (PlanningContext.domainFederation, .removeReference):
            guard parts.count == 2 else { return .some(nil) }
            return GraphBatchRequest(id: id, method: "DELETE", url: "/domains/\(parts[0])/federationConfiguration/\(parts[1])")
        case (PlanningContext.identitySynchronization, .create), (PlanningContext.identitySynchronization, .patch):
            guard let body = writable(step.after) else { return .some(nil) }
            return GraphBatchRequest(id: id, method: "PUT",
                                     url: "/policies/crossTenantAccessPolicy/partners/\(step.sourceKey)/identitySynchronization",
                                     headers: json, body: body)
        case (PlanningContext.identitySynchronization, .removeReference):
            return GraphBatchRequest(id: id, method: "DELETE",
                                     url: "/policies/crossTenantAccessPolicy/partners/\(step.sourceKey)/identitySynchronization")
        default:
            return nil
        }
    }
}
