import Foundation

/// `/policies/authenticationStrengthPolicies` and the authentication contexts of conditional
/// access, with Graph's write rules: built-in strengths are read-only, `allowedCombinations`
/// changes only through `updateAllowedCombinations`, a strength a policy uses cannot be deleted,
/// combination configurations only on custom strengths and for combinations the strength allows;
/// contexts are `c1`…`c99`, created or updated by `PATCH`.
extension GraphSimulator {
    /// Combinations that satisfy multifactor authentication (the built-in MFA strength's list).
    static let multifactorCombinations = [
        "windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor", "deviceBasedPush", "temporaryAccessPassOneTime",
        "temporaryAccessPassMultiUse", "password,microsoftAuthenticatorPush", "password,softwareOath",
        "password,hardwareOath", "password,x509CertificateSingleFactor", "password,x509CertificateMultiFactor",
        "password,sms", "password,voice", "federatedMultiFactor", "microsoftAuthenticatorPush,federatedSingleFactor",
        "softwareOath,federatedSingleFactor", "hardwareOath,federatedSingleFactor", "sms,federatedSingleFactor",
        "voice,federatedSingleFactor",
    ]
    /// Single-factor combinations a custom strength may also allow.
    static let singleFactorCombinations = ["password", "sms", "x509CertificateSingleFactor", "federatedSingleFactor"]

    static func normalizedCombination(_ text: String) -> String {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ",")
    }

    /// The strength's combinations, checked; and whether they all satisfy MFA.
    static func checkedCombinations(_ value: JSONValue?) throws -> (JSONValue, String) {
        guard let value, case .array(let items) = value, !items.isEmpty else {
            throw GraphError.badRequest("Property 'allowedCombinations' is required and cannot be empty.")
        }
        var mfa = true
        for item in items {
            guard let text = item.stringValue else { throw GraphError.badRequest("'allowedCombinations' must be strings.") }
            let combination = normalizedCombination(text)
            if multifactorCombinations.contains(combination) { continue }
            guard singleFactorCombinations.contains(combination) else {
                throw GraphError.badRequest("'\(text)' is not a valid authentication method combination.")
            }
            mfa = false
        }
        return (value, mfa ? "mfa" : "none")
    }

    /// A strength as Graph returns it: its combination configurations inline, with their context.
    func renderStrength(_ policy: Entity, directory: TenantDirectory, _ context: GraphContext) -> JSONObject {
        var object = JSONObject()
        for member in policy.object where member.key != "combinationConfigurations" { object.append(member.key, member.value) }
        object.append("combinationConfigurations@odata.context", .string(context.contextURL(
            "policies/authenticationStrengthPolicies('\(policy.id)')/combinationConfigurations")))
        object.append("combinationConfigurations", .array(directory.collection(.authenticationCombinationConfiguration, parent: policy.id)
            .elements.map { .object($0.object) }))
        return object
    }

    func authenticationStrengths(_ path: [String], _ context: GraphContext) throws -> GraphResponse {
        let type = ResourceType.authenticationStrengthPolicy
        let method = context.request.method
        try context.require(method == "GET" ? type.read : type.write)
        let now = context.now
        switch (path.count, method) {
        case (0, "GET"):
            let query = try ODataQuery(context.request)
            try query.validate(for: type)
            let objects: [JSONObject] = context.tenant.withDirectory { directory in
                directory.collection(type).elements.filter { query.filter?.matches($0.object) ?? true }
                    .map { renderStrength($0, directory: directory, context) }
            }
            var writer = CollectionWriter(context: context.contextURL(type.entitySet))
            var projection = query.projection(for: type)
            for object in objects { writer.appendItem { projection.write(EncodedObject(object), into: &$0) } }
            return .json(200, writer.finish())
        case (0, "POST"):
            let body = try requestObject(context)
            try checkWritable(body.filter(keys: { $0 != "combinationConfigurations" }), type: type, existing: nil)
            guard let name = body["displayName"]?.stringValue, !name.isEmpty else {
                throw GraphError.badRequest("Property 'displayName' is required.")
            }
            let (combinations, satisfied) = try Self.checkedCombinations(body["allowedCombinations"])
            let created: JSONObject = try context.tenant.withDirectory { directory in
                if directory.collection(type).elements.contains(where: { $0.object["displayName"]?.stringValue?.lowercased() == name.lowercased() }) {
                    throw GraphError.badRequest("An authentication strength policy named '\(name)' already exists.")
                }
                let stamp = JSONValue.string(Timestamp.format(now))
                let policy = directory.insert(type, [
                    "id": .string(directory.newId()), "createdDateTime": stamp, "modifiedDateTime": stamp,
                    "displayName": .string(name), "description": body["description"] ?? .null, "policyType": "custom",
                    "requirementsSatisfied": .string(satisfied), "allowedCombinations": combinations,
                ])
                directory.audit(activity: "Add authentication strength policy", category: "Policy", operationType: "Add",
                                actor: context.actor, targets: [directory.auditTarget(type, policy)], at: now,
                                loggedByService: "Conditional Access")
                var object = JSONObject()
                object.append("@odata.context", .string(context.contextURL(type.entitySet + "/$entity")))
                for member in renderStrength(policy, directory: directory, context) { object.append(member.key, member.value) }
                return object
            }
            return .json(201, created)
        case (1, _):
            return try strengthItem(path[0], context)
        case (2, "POST") where path[1] == "updateAllowedCombinations" || path[1] == "microsoft.graph.updateAllowedCombinations":
            let body = try requestObject(context)
            let (combinations, satisfied) = try Self.checkedCombinations(body["allowedCombinations"])
            let result: JSONObject = try context.tenant.withDirectory { directory in
                let policy = try customStrength(path[0], directory: directory)
                let previous = policy.object["allowedCombinations"] ?? []
                // Configurations may only name combinations the strength still allows.
                let allowed = Set(combinations.stringArray.map(Self.normalizedCombination))
                for configuration in directory.collection(.authenticationCombinationConfiguration, parent: policy.id).elements {
                    let applies = configuration.object["appliesToCombinations"]?.stringArray ?? []
                    if !applies.allSatisfy({ allowed.contains(Self.normalizedCombination($0)) }) {
                        throw GraphError.badRequest("Combination configuration '\(configuration.id)' applies to a combination the policy would no longer allow.")
                    }
                }
                let updated = directory.update(type, policy.id) { object in
                    object["allowedCombinations"] = combinations
                    object["requirementsSatisfied"] = .string(satisfied)
                    object["modifiedDateTime"] = .string(Timestamp.format(now))
                } ?? policy
                directory.audit(activity: "Update authentication strength policy", category: "Policy", operationType: "Update",
                                actor: context.actor, targets: [directory.auditTarget(type, updated, modified: [
                                    ("allowedCombinations", previous, combinations)])], at: now, loggedByService: "Conditional Access")
                return [
                    "@odata.context": .string(context.contextURL("microsoft.graph.updateAllowedCombinationsResult")),
                    "additionalInformation": .null,
                    "conditionalAccessReferences": .strings(policiesUsing(policy.id, directory: directory)),
                    "currentCombinations": combinations, "previousCombinations": previous,
                ]
            }
            return .json(200, result)
        case (_, _) where path.count >= 2 && path[1] == "combinationConfigurations":
            return try combinationConfigurations(path[0], Array(path.dropFirst(2)), context)
        default:
            throw GraphError.methodNotAllowed
        }
    }

    /// Conditional access policies that require the strength.
    func policiesUsing(_ strength: String, directory: TenantDirectory) -> [String] {
        directory.collection(.conditionalAccessPolicy).elements.filter {
            $0.object["grantControls"]?["authenticationStrength"]?["id"]?.stringValue?.lowercased() == strength.lowercased()
        }.map(\.id)
    }

    func customStrength(_ id: String, directory: TenantDirectory) throws -> Entity {
        guard let policy = directory.entity(.authenticationStrengthPolicy, id) else { throw GraphError.notFound(id) }
        guard policy.object["policyType"]?.stringValue == "custom" else {
            throw GraphError.badRequest("Built-in authentication strength policies cannot be changed.")
        }
        return policy
    }

    private func strengthItem(_ id: String, _ context: GraphContext) throws -> GraphResponse {
        let type = ResourceType.authenticationStrengthPolicy
        let now = context.now
        switch context.request.method {
        case "GET":
            let object: JSONObject = try context.tenant.withDirectory { directory in
                guard let policy = directory.entity(type, id) else { throw GraphError.notFound(id) }
                var object = JSONObject()
                object.append("@odata.context", .string(context.contextURL(type.entitySet + "/$entity")))
                for member in renderStrength(policy, directory: directory, context) { object.append(member.key, member.value) }
                return object
            }
            return .json(200, object)
        case "PATCH":
            let body = try requestObject(context)
            if body["allowedCombinations"] != nil {
                throw GraphError.badRequest("'allowedCombinations' can only be changed with updateAllowedCombinations.")
            }
            try context.tenant.withDirectory { directory in
                let policy = try customStrength(id, directory: directory)
                try checkWritable(body, type: type, existing: policy.object)
                var modified: [(String, JSONValue, JSONValue)] = []
                let updated = directory.update(type, policy.id) { object in
                    for name in ["displayName", "description"] {
                        guard let value = body[name] else { continue }
                        modified.append((name, object[name] ?? .null, value))
                        object[name] = value
                    }
                    object["modifiedDateTime"] = .string(Timestamp.format(now))
                } ?? policy
                directory.audit(activity: "Update authentication strength policy", category: "Policy", operationType: "Update",
                                actor: context.actor, targets: [directory.auditTarget(type, updated, modified: modified)], at: now,
                                loggedByService: "Conditional Access")
            }
            return .noContent()
        case "DELETE":
            try context.tenant.withDirectory { directory in
                let policy = try customStrength(id, directory: directory)
                if !policiesUsing(policy.id, directory: directory).isEmpty {
                    throw GraphError.badRequest("The authentication strength policy is in use by one or more conditional access policies and cannot be deleted.")
                }
                for configuration in directory.collection(.authenticationCombinationConfiguration, parent: policy.id).elements {
                    directory.remove(.authenticationCombinationConfiguration, configuration.id, parent: policy.id)
                }
                directory.remove(type, policy.id)
                directory.audit(activity: "Delete authentication strength policy", category: "Policy", operationType: "Delete",
                                actor: context.actor, targets: [directory.auditTarget(type, policy)], at: now,
                                loggedByService: "Conditional Access")
            }
            return .noContent()
        default:
            throw GraphError.methodNotAllowed
        }
    }

    private func combinationConfigurations(_ strength: String, _ rest: [String], _ context: GraphContext) throws -> GraphResponse {
        let type = ResourceType.authenticationCombinationConfiguration
        let method = context.request.method
        let entitySet = "policies/authenticationStrengthPolicies('\(strength)')/combinationConfigurations"
        switch (rest.count, method) {
        case (0, "GET"):
            let items: [JSONObject] = try context.tenant.withDirectory { directory in
                guard directory.entity(.authenticationStrengthPolicy, strength) != nil else { throw GraphError.notFound(strength) }
                return directory.collection(type, parent: strength).elements.map(\.object)
            }
            var writer = CollectionWriter(context: context.contextURL(entitySet))
            var projection = Projection.all
            for item in items { writer.appendItem { projection.write(EncodedObject(item), into: &$0) } }
            return .json(200, writer.finish())
        case (1, "GET"):
            let item: JSONObject = try context.tenant.withDirectory { directory in
                guard let item = directory.entity(type, rest[0], parent: strength) else { throw GraphError.notFound(rest[0]) }
                return item.object
            }
            var object: JSONObject = ["@odata.context": .string(context.contextURL(entitySet + "/$entity"))]
            for member in item { object.append(member.key, member.value) }
            return .json(200, object)
        case (0, "POST"), (1, "PATCH"):
            let body = try requestObject(context)
            let result: JSONObject? = try context.tenant.withDirectory { directory in
                let policy = try customStrength(strength, directory: directory)
                let existing = rest.isEmpty ? nil : directory.entity(type, rest[0], parent: policy.id)
                if !rest.isEmpty && existing == nil { throw GraphError.notFound(rest[0]) }
                try checkWritable(body, type: type, existing: existing?.object)
                let odataType = body["@odata.type"]?.stringValue ?? existing?.object["@odata.type"]?.stringValue
                let kinds: [String: Set<String>] = [
                    "#microsoft.graph.fido2CombinationConfiguration": ["fido2"],
                    "#microsoft.graph.x509CertificateCombinationConfiguration": ["x509CertificateMultiFactor", "x509CertificateSingleFactor"],
                ]
                guard let odataType, let accepted = kinds[odataType] else {
                    throw GraphError.badRequest("The @odata.type of a combination configuration must be #microsoft.graph.fido2CombinationConfiguration or #microsoft.graph.x509CertificateCombinationConfiguration.")
                }
                var object = existing?.object ?? ["@odata.type": .string(odataType), "id": .string(directory.newId())]
                for member in body where member.key != "@odata.type" && member.key != "id" { object[member.key] = member.value }
                let applies = object["appliesToCombinations"]?.stringArray ?? []
                let allowed = Set((policy.object["allowedCombinations"]?.stringArray ?? []).map(Self.normalizedCombination))
                guard !applies.isEmpty, applies.allSatisfy({ accepted.contains(Self.normalizedCombination($0)) && allowed.contains(Self.normalizedCombination($0)) }) else {
                    throw GraphError.badRequest("'appliesToCombinations' must name combinations of this configuration's kind that the policy allows.")
                }
                if existing == nil, directory.collection(type, parent: policy.id).elements.contains(where: {
                    Set($0.object["appliesToCombinations"]?.stringArray ?? []).intersection(applies).isEmpty == false
                }) {
                    throw GraphError.badRequest("A combination configuration for these combinations already exists.")
                }
                let stored = directory.insert(type, object, parent: policy.id)
                directory.update(.authenticationStrengthPolicy, policy.id) { $0["modifiedDateTime"] = .string(Timestamp.format(context.now)) }
                directory.audit(activity: "Update authentication strength policy", category: "Policy", operationType: "Update",
                                actor: context.actor, targets: [directory.auditTarget(.authenticationStrengthPolicy, policy)],
                                at: context.now, loggedByService: "Conditional Access")
                return existing == nil ? stored.object : nil
            }
            guard let result else { return .noContent() }
            var object: JSONObject = ["@odata.context": .string(context.contextURL(entitySet + "/$entity"))]
            for member in result { object.append(member.key, member.value) }
            return .json(201, object)
        case (1, "DELETE"):
            try context.tenant.withDirectory { directory in
                let policy = try customStrength(strength, directory: directory)
                guard directory.remove(type, rest[0], parent: policy.id) != nil else { throw GraphError.notFound(rest[0]) }
            }
            return .noContent()
        default:
            throw GraphError.methodNotAllowed
        }
    }

    /// `PATCH …/authenticationContextClassReferences/c{1…99}`: creates or updates (an upsert).
    func upsertAuthenticationContext(_ key: EntityKey, _ context: GraphContext) throws -> GraphResponse {
        let type = ResourceType.authenticationContextClassReference
        try context.require(type.write)
        let id = key.description
        guard id.count >= 2, id.first == "c", let number = Int(id.dropFirst()), (1...99).contains(number) else {
            throw GraphError.badRequest("The id of an authentication context must be c1 to c99.")
        }
        let body = try requestObject(context)
        try checkWritable(body.filter(keys: { $0 != "id" }), type: type, existing: nil)
        if let given = body["id"]?.stringValue, given != id { throw GraphError.badRequest("The id in the body differs from the URL.") }
        try context.tenant.withDirectory { directory in
            let existing = directory.entity(type, id)
            if existing == nil, (body["displayName"]?.stringValue ?? "").isEmpty {
                throw GraphError.badRequest("Property 'displayName' is required when creating an authentication context.")
            }
            var object = existing?.object ?? ["id": .string(id), "description": .null, "displayName": .null, "isAvailable": false]
            var modified: [(String, JSONValue, JSONValue)] = []
            for member in body where member.key != "id" {
                modified.append((member.key, object[member.key] ?? .null, member.value))
                object[member.key] = member.value
            }
            let stored = directory.insert(type, object)
            directory.audit(activity: existing == nil ? "Add authentication context" : "Update authentication context", category: "Policy",
                            operationType: existing == nil ? "Add" : "Update", actor: context.actor,
                            targets: [directory.auditTarget(type, stored, modified: modified)], at: context.now,
                            loggedByService: "Conditional Access")
        }
        return .noContent()
    }
}
