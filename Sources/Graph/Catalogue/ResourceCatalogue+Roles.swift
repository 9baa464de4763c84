extension ResourceCatalogue {
    static let roles: [CatalogueEntry] = [
        CatalogueEntry(
            name: "roleDefinition", odataType: "#microsoft.graph.unifiedRoleDefinition",
            listPath: "/roleManagement/directory/roleDefinitions", itemPath: "/roleManagement/directory/roleDefinitions/{id}",
            permissions: ["RoleManagement.Read.Directory", "Directory.Read.All"],
            readOnly: ["id", "isBuiltIn"], createOnly: ["templateId"], restore: .create,
            notes: "Built-in roles (isBuiltIn) cannot be changed and are never recreated; custom roles are."),
        CatalogueEntry(
            name: "roleAssignment", odataType: "#microsoft.graph.unifiedRoleAssignment",
            listPath: "/roleManagement/directory/roleAssignments", itemPath: "/roleManagement/directory/roleAssignments/{id}",
            permissions: ["RoleManagement.Read.Directory", "Directory.Read.All"],
            references: [
                ObjectReference("principalId", to: ["user", "group", "servicePrincipal"]),
                ObjectReference("roleDefinitionId", to: ["roleDefinition"]),
                ObjectReference("directoryScopeId", to: ["administrativeUnit", "application"], key: .directoryScope,
                                keywords: ["/"]),
            ],
            readOnly: ["id", "resourceScope"], createOnly: ["principalId", "roleDefinitionId", "directoryScopeId"],
            restore: .create),
        CatalogueEntry(
            name: "directoryRole", odataType: "#microsoft.graph.directoryRole",
            listPath: "/directoryRoles", itemPath: "/directoryRoles/{id}",
            delta: .init(path: "/directoryRoles/delta", relationships: ["members@delta": "directoryRole.members"]),
            permissions: ["RoleManagement.Read.Directory", "Directory.Read.All"],
            references: [ObjectReference("roleTemplateId", to: ["roleDefinition"], key: .templateId)],
            readOnly: ["id", "deletedDateTime", "description", "displayName"], createOnly: ["roleTemplateId"],
            restore: .create,
            notes: "Only activated roles are listed; restoring one activates it from its roleTemplateId."),
        CatalogueEntry(
            name: "directoryRole.members", odataType: "#microsoft.graph.directoryObject", kind: .relationship,
            parent: "directoryRole", listPath: "/directoryRoles/{0}/members",
            permissions: ["RoleManagement.Read.Directory", "Directory.Read.All"],
            references: [ObjectReference("id", to: ["user", "group", "servicePrincipal"])], restore: .relink,
            notes: "directoryRoles and their members take no OData query options and are not paged."),
    ]
}
