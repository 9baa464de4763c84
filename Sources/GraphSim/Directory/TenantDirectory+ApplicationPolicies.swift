import Foundation

/// Graph's rules for security token service policies and delegated permission classifications.
extension TenantDirectory {
    /// The tenant app management policy's fixed id.
    static let tenantAppManagementPolicyId = "00000000-0000-0000-0000-000000000000"

    /// Policies deriving from stsPolicy: a definition, `isOrganizationDefault` and `appliesTo`.
    static let stsPolicyTypes: Set<ResourceType> = [
        .claimsMappingPolicy, .tokenLifetimePolicy, .tokenIssuancePolicy, .homeRealmDiscoveryPolicy, .activityBasedTimeoutPolicy,
    ]

    /// "There can be many policies for the same policy type, but only one can be activated as the
    /// organization default."
    func requireSingleOrganizationDefault(_ type: ResourceType, _ object: JSONObject, replacing id: String?) throws {
        guard object["isOrganizationDefault"]?.boolValue == true else { return }
        let other = collection(type).elements.first {
            $0.object["isOrganizationDefault"]?.boolValue == true && $0.id.lowercased() != id?.lowercased()
        }
        if let other {
            throw GraphError.badRequest("Another \(type.name) (\(other.id)) is already the organization default; only one can be.")
        }
    }

    /// Classifies one of the delegated permissions the service principal publishes, named by id
    /// or by value; `low` is the only classification Graph accepts.
    mutating func createDelegatedPermissionClassification(_ body: JSONObject, servicePrincipal: String) throws -> Entity {
        guard let principal = entity(.servicePrincipal, servicePrincipal) else { throw GraphError.notFound(servicePrincipal) }
        guard let classification = body["classification"]?.stringValue else {
            throw GraphError.badRequest("Property 'classification' is required.")
        }
        guard classification == "low" else {
            throw GraphError.badRequest("Invalid value '\(classification)' for property 'classification'; the supported value is 'low'.")
        }
        for name in body.members.map(\.key) where !["classification", "permissionId", "permissionName"].contains(name) {
            throw GraphError.badRequest("Property '\(name)' does not exist on delegatedPermissionClassification or is read-only.")
        }
        let scopes = principal.object["oauth2PermissionScopes"]?.arrayValue ?? []
        let wantedId = body["permissionId"]?.stringValue?.lowercased()
        let wantedName = body["permissionName"]?.stringValue
        guard wantedId != nil || wantedName != nil else {
            throw GraphError.badRequest("Either 'permissionId' or 'permissionName' is required.")
        }
        guard let scope = scopes.first(where: { scope in
            (wantedId == nil || scope["id"]?.stringValue?.lowercased() == wantedId)
                && (wantedName == nil || scope["value"]?.stringValue == wantedName)
        }), let scopeId = scope["id"]?.stringValue, let scopeName = scope["value"]?.stringValue else {
            throw GraphError.badRequest("The service principal does not publish the delegated permission \(wantedName ?? wantedId ?? "").")
        }
        if collection(.delegatedPermissionClassification, parent: principal.id).elements.contains(where: {
            $0.object["permissionId"]?.stringValue?.lowercased() == scopeId.lowercased()
        }) {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue",
                             message: "The permission \(scopeName) is already classified.")
        }
        return insert(.delegatedPermissionClassification, [
            "id": .string(classificationId()), "classification": .string(classification),
            "permissionId": .string(scopeId), "permissionName": .string(scopeName),
        ], parent: principal.id)
    }

    /// Graph's classification ids are 23 URL-safe base64 characters (`2G3-4TG6YU2J54hjnaRoPQE`):
    /// 17 bytes, here a fresh id's 16 and a version byte.
    mutating func classificationId() -> String {
        let uuid = UUID(uuidString: newId())?.uuid ?? UUID().uuid
        let bytes = withUnsafeBytes(of: uuid) { Array($0) } + [1]
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}

extension TenantDirectory {
    /// A terms of use agreement: Graph requires its name, whether it must be viewed before
    /// acceptance, and at least one PDF (`files[].fileData.data`, base64). The files are checked,
    /// not served: graph-sim has no `file` or `files` navigation.
    mutating func createAgreement(_ body: JSONObject) throws -> Entity {
        guard let name = body["displayName"]?.stringValue, !name.isEmpty else {
            throw GraphError.badRequest("Property 'displayName' is required.")
        }
        guard body["isViewingBeforeAcceptanceRequired"]?.boolValue != nil else {
            throw GraphError.badRequest("Property 'isViewingBeforeAcceptanceRequired' is required.")
        }
        let files = body["files"]?.arrayValue ?? []
        guard !files.isEmpty, files.allSatisfy({ file in
            guard let data = file["fileData"]?["data"]?.stringValue, let bytes = Data(base64Encoded: data) else { return false }
            return bytes.starts(with: Array("%PDF".utf8))
        }) else {
            throw GraphError.badRequest("An agreement needs at least one file, each with fileData.data holding a base64 PDF.")
        }
        var object = ObjectTemplates.blank(.agreement)
        for name in ResourceType.agreement.properties where name != "id" {
            if let value = body[name] { object[name] = value }
        }
        if object["isPerDeviceAcceptanceRequired"]?.isNull != false { object["isPerDeviceAcceptanceRequired"] = false }
        object["id"] = .string(newId())
        return insert(.agreement, object)
    }
}
