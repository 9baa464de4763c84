/// Custom security attributes: attribute sets, attribute definitions and their predefined
/// values (`/directory/attributeSets`, `/directory/customSecurityAttributeDefinitions`). The values
/// themselves are the `customSecurityAttributes` property of users and service principals.
/// Property lists follow each v1.0 property table.
extension ResourceType {
    static let attributeDefinitionRead = PermissionRule.any(
        "CustomSecAttributeDefinition.Read.All", "CustomSecAttributeDefinition.ReadWrite.All"
    )
    static let attributeDefinitionWrite = PermissionRule.any("CustomSecAttributeDefinition.ReadWrite.All")
    /// Who may read and write the values on users and service principals.
    static let attributeAssignmentRead = PermissionRule.any(
        "CustomSecAttributeAssignment.Read.All", "CustomSecAttributeAssignment.ReadWrite.All"
    )
    static let attributeAssignmentWrite = PermissionRule.any("CustomSecAttributeAssignment.ReadWrite.All")

    public static let attributeSet = ResourceType(
        name: "attributeSet",
        entitySet: "directory/attributeSets",
        properties: ["id", "description", "maxAttributesPerSet"],
        readOnly: ["id"],
        read: attributeDefinitionRead,
        write: attributeDefinitionWrite
    )

    /// Set, name, type, collection and searchability are fixed at creation.
    public static let customSecurityAttributeDefinition = ResourceType(
        name: "customSecurityAttributeDefinition",
        entitySet: "directory/customSecurityAttributeDefinitions",
        properties: ["id", "attributeSet", "description", "isCollection", "isSearchable", "name", "status", "type",
                     "usePreDefinedValuesOnly"],
        readOnly: ["id", "attributeSet", "isCollection", "isSearchable", "name", "type"],
        read: attributeDefinitionRead,
        write: attributeDefinitionWrite
    )

    public static let allowedValue = ResourceType(
        name: "allowedValue",
        entitySet: "directory/customSecurityAttributeDefinitions('{id}')/allowedValues",
        properties: ["id", "isActive"],
        readOnly: ["id"],
        read: attributeDefinitionRead,
        write: attributeDefinitionWrite
    )

    static let customSecurityAttributes: [ResourceType] = [.attributeSet, .customSecurityAttributeDefinition, .allowedValue]
}
