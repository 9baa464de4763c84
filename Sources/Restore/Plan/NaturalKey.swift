import Vault

/// What identifies an object apart from its id, per type: used to match a source object with
/// the target's (another tenant, or a recreated one) and to find a create whose answer was lost.
enum NaturalKey {
    /// The properties that identify an object of `type`.
    static func properties(of type: String) -> [String] {
        switch type {
        case "user": return ["userPrincipalName"]
        case "group": return ["mailNickname", "displayName"]
        case "application", "administrativeUnit", "namedLocation", "conditionalAccessPolicy": return ["displayName"]
        case "servicePrincipal": return ["appId"]
        case "roleDefinition", "authenticationStrengthPolicy": return ["displayName"]
        default: return RestorableTypes.contentKeys[type] ?? []
        }
    }

    /// The key's values from `object`; nil when one is missing.
    static func values(of object: CanonicalJSON, type: String, rewrites: [String: String] = [:]) -> [String: String]? {
        var result: [String: String] = [:]
        for property in properties(of: type) {
            guard var value = object[property]?.stringValue else {
                if RestorableTypes.contentKeys[type] != nil { result[property] = ""; continue }
                return nil
            }
            if property == "userPrincipalName" { value = rewriteDomain(value, rewrites) }
            result[property] = value.lowercased()
        }
        return result.isEmpty ? nil : result
    }

    /// A user principal name or mail on a source domain, moved to the target's domain.
    static func rewriteDomain(_ address: String, _ rewrites: [String: String]) -> String {
        guard let at = address.lastIndex(of: "@") else { return address }
        let domain = address[address.index(after: at)...].lowercased()
        guard let target = rewrites[domain] else { return address }
        return address[..<at] + "@" + target
    }
}
