import Foundation

/// Company branding as Graph keeps it: the default branding is localization `0`, created by the
/// first `PATCH` of `/organization/{id}/branding`; other locales are created with their id and
/// deleted; the default cannot be deleted while a locale still has branding.
extension TenantDirectory {
    /// A localization as Graph serves it, with its `@odata.id`.
    func brandingObject(organization: String, id: String, properties: JSONObject) -> JSONObject {
        var object = ObjectTemplates.blank(.organizationalBrandingLocalization)
        object["@odata.id"] = .string("https://graph.microsoft.com/v2/\(tenantId)/directoryObjects/$/Microsoft.DirectoryServices.Organization('\(organization)')//localizations/\(id)")
        object["id"] = .string(id)
        object["cdnList"] = id == "0" ? ["secure.aadcdn.microsoftonline-p.com", "aadcdn.msftauthimages.net", "aadcdn.msauthimages.net"] : []
        for (name, value) in properties where name != "id" && !name.hasPrefix("@") { object[name] = value }
        return object
    }

    mutating func createBrandingLocalization(_ body: JSONObject, organization: String) throws -> Entity {
        guard let id = body["id"]?.stringValue, !id.isEmpty, id != "0", id.lowercased() != "default",
              id.count <= 16, id.allSatisfy({ $0.isLetter || $0 == "-" }) else {
            throw GraphError.badRequest("Property 'id' must be a locale such as fr-FR.")
        }
        guard entity(.organizationalBrandingLocalization, "0", parent: organization) != nil else {
            throw GraphError.badRequest("Configure the default branding before adding a locale.")
        }
        if entity(.organizationalBrandingLocalization, id, parent: organization) != nil {
            throw GraphError(status: 409, code: "Request_MultipleObjectsWithSameKeyValue", message: "Branding for \(id) already exists.")
        }
        for (name, _) in body where !name.hasPrefix("@") && name != "id" && !ResourceType.organizationalBrandingLocalization.isKnownProperty(name) {
            throw GraphError.badRequest("Property '\(name)' does not exist as a declared property or extension property.")
        }
        return insert(.organizationalBrandingLocalization, brandingObject(organization: organization, id: id, properties: body),
                      parent: organization)
    }

    /// `PATCH /organization/{id}/branding`: the default branding, created when there is none.
    mutating func updateDefaultBranding(_ body: JSONObject, organization: String) -> Entity {
        if let existing = entity(.organizationalBrandingLocalization, "0", parent: organization) {
            var object = existing.object
            for (name, value) in body where !name.hasPrefix("@") { object[name] = value }
            return replace(.organizationalBrandingLocalization, "0", with: object, parent: organization) ?? existing
        }
        return insert(.organizationalBrandingLocalization, brandingObject(organization: organization, id: "0", properties: body),
                      parent: organization)
    }
}
