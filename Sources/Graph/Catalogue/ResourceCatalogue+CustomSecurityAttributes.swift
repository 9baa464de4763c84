extension ResourceCatalogue {
    private static let definitionPermissions = ["CustomSecAttributeDefinition.Read.All", "CustomSecAttributeDefinition.ReadWrite.All"]
    private static let assignmentPermissions = ["CustomSecAttributeAssignment.Read.All", "CustomSecAttributeAssignment.ReadWrite.All"]

    /// Custom security attributes: the tenant's attribute sets, definitions and predefined values,
    /// and the values on users and service principals (which conditional access app filters and
    /// attribute-based access read). Sets and definitions cannot be deleted, so the values are what
    /// an attacker wipes.
    static let customSecurityAttributes: [CatalogueEntry] = [
        CatalogueEntry(
            name: "attributeSet", odataType: "#microsoft.graph.attributeSet",
            listPath: "/directory/attributeSets", itemPath: "/directory/attributeSets/{id}",
            permissions: definitionPermissions, restore: .create,
            notes: "A set's id is its name, the same in every tenant. Sets cannot be deleted: a restore recreates "
                + "missing ones and reverts the description and maxAttributesPerSet."),
        CatalogueEntry(
            name: "customSecurityAttributeDefinition", odataType: "#microsoft.graph.customSecurityAttributeDefinition",
            listPath: "/directory/customSecurityAttributeDefinitions", itemPath: "/directory/customSecurityAttributeDefinitions/{id}",
            permissions: definitionPermissions,
            createOnly: ["attributeSet", "name", "type", "isCollection", "isSearchable"], restore: .create,
            notes: "Definitions are never deleted, only deactivated (status Deprecated): a restore recreates missing "
                + "ones and reverts description, status and usePreDefinedValuesOnly."),
        CatalogueEntry(
            name: "customSecurityAttributeDefinition.allowedValues", odataType: "#microsoft.graph.allowedValue",
            parent: "customSecurityAttributeDefinition",
            listPath: "/directory/customSecurityAttributeDefinitions/{0}/allowedValues",
            itemPath: "/directory/customSecurityAttributeDefinitions/{0}/allowedValues/{id}",
            permissions: definitionPermissions, restore: .create,
            notes: "Predefined values are deactivated (isActive false), never deleted."),
        CatalogueEntry(
            name: "userSecurityAttributes", odataType: "#microsoft.graph.customSecurityAttributeValue",
            listPath: "/users?$top=999", itemPath: "/users/{id}", select: ["id", "customSecurityAttributes"],
            permissions: assignmentPermissions, references: [ObjectReference("id", to: ["user"])], restore: .patchInPlace,
            notes: "Each user's custom security attribute values, stored only for users that have some. Graph answers "
                + "a caller without the permission with none rather than an error.",
            storedOnlyWith: "customSecurityAttributes"),
        CatalogueEntry(
            name: "servicePrincipalSecurityAttributes", odataType: "#microsoft.graph.customSecurityAttributeValue",
            listPath: "/servicePrincipals?$top=999", itemPath: "/servicePrincipals/{id}", select: ["id", "customSecurityAttributes"],
            permissions: assignmentPermissions, references: [ObjectReference("id", to: ["servicePrincipal"])],
            restore: .patchInPlace,
            notes: "Each service principal's custom security attribute values (conditional access filters for "
                + "applications read them), stored only for those that have some.",
            storedOnlyWith: "customSecurityAttributes"),
    ]
}
