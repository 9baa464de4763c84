import Cryptography
import Foundation
import Graph
import JSON
import Vault

extension ExecutionRun {
    static let directoryObjectURL = "https://graph.microsoft.com/v1.0/directoryObjects/"

    /// The target id of a source id now (nil when it has none yet).
    func mapped(_ id: String) -> String? {
        map.ids[id] ?? (plan.isCrossTenant ? nil : id)
    }

    /// The Graph request of a step with every reference remapped; nil (and the step skipped by
    /// failing it) when a parent has no target id.
    mutating func request(for step: RestoreStep, id: String) -> GraphBatchRequest? {
        guard let entry = ResourceCatalogue.entry(named: step.type) else { return nil }
        if let request = self.typeSpecificRequest(for: step, id: id) { return request }
        let json = ["Content-Type": "application/json"]
        let parts = step.sourceKey.split(separator: "/").map(String.init)
        switch step.action {
        case .undelete:
            let base = entry.softDelete == .conditionalAccessDeletedItems
                ? (entry.name == "namedLocation" ? "/identity/conditionalAccess/deletedItems/namedLocations/"
                                                 : "/identity/conditionalAccess/deletedItems/policies/")
                : "/directory/deletedItems/"
            return GraphBatchRequest(id: id, method: "POST", url: base + step.sourceKey + "/restore")
        case .create:
            guard let object = step.after, let body = self.createBody(entry, object) else { return nil }
            var path = entry.listPath
            if entry.parent != nil {
                guard let parent = self.mapped(parts[0]) else { return nil }
                path = path.replacingOccurrences(of: "{0}", with: parent)
            }
            if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
            return GraphBatchRequest(id: id, method: "POST", url: path, headers: json, body: body)
        case .patch:
            guard let object = step.after, let before = step.before, let targetID = self.mapped(step.sourceKey) else { return nil }
            let desired = RestorableTypes.writableForm(remapper.remap(object, entry: entry), type: entry.name)
            var body: JSONObject = [:]
            for name in PlanningContext.writableDifferences(entry, desired: desired, current: before, rewrites: plan.domainRewrites) {
                var value = desired[name] ?? .null
                if let text = value.stringValue, name == "userPrincipalName" || name == "mail" {
                    value = .string(NaturalKey.rewriteDomain(text, plan.domainRewrites))
                }
                body[name] = value
            }
            guard !body.isEmpty else { return nil }
            let path = entry.shape == .singleton ? entry.listPath : (entry.itemPath ?? entry.listPath + "/{id}").replacingOccurrences(of: "{id}", with: targetID)
            return GraphBatchRequest(id: id, method: "PATCH", url: path, headers: json, body: .object(body))
        case .addReference, .removeReference:
            guard let (collection, navigation) = RestorableTypes.referenceTypes[step.type] else { return nil }
            let singleton = entry.shape == .singleton
            let childSource = singleton ? (step.after ?? step.before)?["id"]?.stringValue : parts.last
            if step.action == .removeReference {
                // Removal keys are the target's own.
                if singleton { return GraphBatchRequest(id: id, method: "DELETE", url: "\(collection)/\(parts[0])/\(navigation)/$ref") }
                return GraphBatchRequest(id: id, method: "DELETE", url: "\(collection)/\(parts[0])/\(navigation)/\(parts.last ?? "")/$ref")
            }
            guard let parent = self.mapped(parts[0]), let childID = childSource, let child = self.mapped(childID) else { return nil }
            let body: GraphJSON = .object(["@odata.id": .string(Self.directoryObjectURL + child)])
            return GraphBatchRequest(id: id, method: singleton ? "PUT" : "POST", url: "\(collection)/\(parent)/\(navigation)/$ref",
                                     headers: json, body: body)
        }
    }

    /// Up to 20 members (or owners) of one group added in one PATCH.
    func bindRequest(_ steps: [RestoreStep]) -> GraphBatchRequest? {
        guard let first = steps.first, let (collection, navigation) = RestorableTypes.referenceTypes[first.type],
              let parent = self.mapped(String(first.sourceKey.split(separator: "/")[0])) else { return nil }
        var references: [GraphJSON] = []
        for step in steps {
            guard let child = step.sourceKey.split(separator: "/").last.flatMap({ self.mapped(String($0)) }) else { return nil }
            references.append(.string(Self.directoryObjectURL + child))
        }
        return GraphBatchRequest(id: "\(first.seq)", method: "PATCH", url: "\(collection)/\(parent)",
                                 headers: ["Content-Type": "application/json"],
                                 body: .object(["\(navigation)@odata.bind": .array(references)]))
    }

    /// The create body: writable properties with references remapped, cross-tenant addresses
    /// moved to the target's domain, and for users a new temporary password.
    mutating func createBody(_ entry: CatalogueEntry, _ object: CanonicalJSON) -> CanonicalJSON? {
        guard case .object(let members) = RestorableTypes.writableForm(remapper.remap(object, entry: entry), type: entry.name)
        else { return nil }
        var body: JSONObject = [:]
        for (name, value) in members where value != .null && RestorableTypes.isWritable(name, of: entry) {
            if plan.isCrossTenant && name.hasPrefix("extension_") { continue }
            body[name] = value
        }
        for name in ["userPrincipalName", "mail"] {
            if let text = body[name]?.stringValue { body[name] = .string(NaturalKey.rewriteDomain(text, plan.domainRewrites)) }
        }
        switch entry.name {
        case "user":
            let password = Self.temporaryPassword()
            body["passwordProfile"] = .object(["forceChangePasswordNextSignIn": .bool(true), "password": .string(password)])
            self.passwords.append((body["userPrincipalName"]?.stringValue ?? "", password))
        case "servicePrincipal":
            if let appID = members["appId"]?.stringValue { body["appId"] = .string(map.appIDs[appID] ?? appID) }
        case "servicePrincipal.appRoleAssignedTo", "roleAssignment", "oAuth2PermissionGrant":
            for field in RestorableTypes.contentKeys[entry.name] ?? [] where body[field] == nil {
                if let value = members[field], value != .null { body[field] = value }
            }
        default:
            break
        }
        return .object(body)
    }

    /// Characters of temporary passwords: four classes, without look-alikes (I, l, O, 0, 1).
    static let passwordAlphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+-=?@_")

    /// 16 characters, each uniform over the alphabet (about 96 bits), drawn again until all four
    /// classes appear, as Entra's complexity rules require; no fixed characters.
    static func temporaryPassword() -> String {
        while true {
            let password = SecureRandom.uniformIndices(16, below: Self.passwordAlphabet.count).map { Self.passwordAlphabet[$0] }
            if password.contains(where: \.isUppercase), password.contains(where: \.isLowercase), password.contains(where: \.isNumber),
               password.contains(where: { !$0.isLetter && !$0.isNumber }) {
                return String(password)
            }
        }
    }

    /// An in-flight create's object, found by its natural key, that this restore created: not one
    /// the target had when planned and not one already mapped.
    func lookUp(_ step: RestoreStep) async throws -> (id: String, appID: String?)? {
        guard let entry = ResourceCatalogue.entry(named: step.type), let object = step.after,
              var expected = step.naturalKey ?? NaturalKey.values(of: object, type: step.type, rewrites: plan.domainRewrites) else {
            return nil
        }
        if step.type == "servicePrincipal", let appID = object["appId"]?.stringValue {
            expected = ["appId": (map.appIDs[appID] ?? appID).lowercased()]
        }
        var path = entry.listPath
        if entry.parent != nil {
            guard let parent = self.mapped(String(step.sourceKey.split(separator: "/")[0])) else { return nil }
            path = path.replacingOccurrences(of: "{0}", with: parent)
        }
        let desired = remapper.remap(object, entry: entry)
        let taken = Set(map.ids.values).union(step.preexisting)
        var next: String? = path
        var links = GraphListingGuard(session.client.configuration)
        while let current = next {
            let page = try CanonicalJSON.parse(try await session.sendPaced(.get(current), interval: executor.configuration.conditionalAccessInterval).body)
            for candidate in page["value"]?.arrayValue ?? [] {
                guard let id = candidate["id"]?.stringValue, !taken.contains(id) else { continue }
                let matches: Bool
                if let fields = RestorableTypes.contentKeys[step.type] {
                    matches = fields.allSatisfy { candidate[$0]?.stringValue?.lowercased() == desired[$0]?.stringValue?.lowercased() }
                } else {
                    matches = NaturalKey.values(of: candidate, type: step.type) == expected
                }
                if matches { return (id, candidate["appId"]?.stringValue) }
            }
            next = try links.follow(page["@odata.nextLink"]?.stringValue)
        }
        return nil
    }
}
