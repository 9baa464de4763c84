import Foundation

/// `/organization/{id}/branding`: the default branding (`Accept-Language` `0` or `default`) or
/// a locale's, read and (for the default) updated; 404 when none is configured, as Graph.
extension GraphSimulator {
    func branding(organization key: EntityKey, _ context: GraphContext) throws -> GraphResponse {
        let type = ResourceType.organizationalBrandingLocalization
        switch context.request.method {
        case "GET":
            try context.require(type.read)
            let query = try ODataQuery(context.request)
            try query.validate(for: type)
            let language = context.request.header("Accept-Language")?.trimmingCharacters(in: .whitespaces) ?? "0"
            let locale = language.isEmpty || language == "0" || language.lowercased() == "default" ? "0" : language
            let found: Entity = try context.tenant.withDirectory { directory in
                let organization = try directory.require(.organization, key)
                guard let branding = directory.entity(type, locale, parent: organization.id) else {
                    throw GraphError(status: 404, code: "Request_ResourceNotFound",
                                     message: "Resource '\(organization.id)' does not exist or one of its queried reference-property objects are not present.")
                }
                return branding
            }
            var projection = query.projection(for: type)
            var bytes: [UInt8] = []
            projection.write(found.encoded, leading: CollectionWriter.contextAnnotation(context.contextURL("branding")), into: &bytes)
            return .json(200, bytes)
        case "PATCH":
            try context.require(type.write)
            let body = try requestObject(context)
            try checkWritable(body, type: type, existing: nil)
            try context.tenant.withDirectory { directory in
                let organization = try directory.require(.organization, key)
                let entity = directory.updateDefaultBranding(body, organization: organization.id)
                directory.audit(activity: "Update company branding", category: "CompanyBranding", operationType: "Update",
                                actor: context.actor, targets: [directory.auditTarget(type, entity)], at: context.now)
            }
            return .noContent()
        default:
            throw GraphError.methodNotAllowed
        }
    }
}
