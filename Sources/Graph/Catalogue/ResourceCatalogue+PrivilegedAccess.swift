extension ResourceCatalogue {
    private static let pimReferences: [ObjectReference] = [
        ObjectReference("principalId", to: ["user", "group", "servicePrincipal"]),
        ObjectReference("roleDefinitionId", to: ["roleDefinition"]),
        ObjectReference("directoryScopeId", to: ["administrativeUnit", "application"], key: .directoryScope, keywords: ["/"]),
    ]
    private static let scheduleReadOnly: Set<String> = [
        "id", "createdDateTime", "createdUsing", "modifiedDateTime", "status", "memberType", "assignmentType", "appScopeId",
    ]

    /// Privileged Identity Management for Entra roles: who is eligible for which role, which
    /// active assignments are time-bound or activations, and each role's activation settings.
    static let privilegedAccess: [CatalogueEntry] = [
        CatalogueEntry(
            name: "roleEligibilitySchedule", odataType: "#microsoft.graph.unifiedRoleEligibilitySchedule",
            listPath: "/roleManagement/directory/roleEligibilitySchedules",
            itemPath: "/roleManagement/directory/roleEligibilitySchedules/{id}",
            permissions: ["RoleEligibilitySchedule.Read.Directory", "RoleManagement.Read.Directory"],
            references: pimReferences, readOnly: scheduleReadOnly,
            createOnly: ["principalId", "roleDefinitionId", "directoryScopeId", "scheduleInfo"], restore: .create,
            notes: "Restored through an adminAssign roleEligibilityScheduleRequest with the original end; an eligibility "
                + "that has expired is not restored (the plan says so)."),
        CatalogueEntry(
            name: "roleEligibilityScheduleInstance", odataType: "#microsoft.graph.unifiedRoleEligibilityScheduleInstance",
            listPath: "/roleManagement/directory/roleEligibilityScheduleInstances",
            itemPath: "/roleManagement/directory/roleEligibilityScheduleInstances/{id}",
            permissions: ["RoleEligibilitySchedule.Read.Directory", "RoleManagement.Read.Directory"],
            references: pimReferences, readOnly: ["id"],
            restore: .manual(reason: "instances follow from their eligibility schedule, which is what a restore recreates"),
            notes: "Evidence of who could activate which role at backup time."),
        CatalogueEntry(
            name: "roleAssignmentSchedule", odataType: "#microsoft.graph.unifiedRoleAssignmentSchedule",
            listPath: "/roleManagement/directory/roleAssignmentSchedules",
            itemPath: "/roleManagement/directory/roleAssignmentSchedules/{id}",
            permissions: ["RoleAssignmentSchedule.Read.Directory", "RoleManagement.Read.Directory"],
            references: pimReferences, readOnly: scheduleReadOnly,
            createOnly: ["principalId", "roleDefinitionId", "directoryScopeId", "scheduleInfo"], restore: .create,
            notes: "Time-bound active assignments are restored through an adminAssign roleAssignmentScheduleRequest with "
                + "their original end; activations (assignmentType Activated) are never restored; permanent ones come "
                + "back as roleAssignment."),
        CatalogueEntry(
            name: "roleAssignmentScheduleInstance", odataType: "#microsoft.graph.unifiedRoleAssignmentScheduleInstance",
            listPath: "/roleManagement/directory/roleAssignmentScheduleInstances",
            itemPath: "/roleManagement/directory/roleAssignmentScheduleInstances/{id}",
            permissions: ["RoleAssignmentSchedule.Read.Directory", "RoleManagement.Read.Directory"],
            references: pimReferences, readOnly: ["id"],
            restore: .manual(reason: "instances follow from their schedule; they tell a restore which role assignments are activations"),
            notes: "assignmentType Activated marks a role assignment that exists only because an eligible admin activated it."),
        CatalogueEntry(
            name: "roleManagementPolicy", odataType: "#microsoft.graph.unifiedRoleManagementPolicy",
            listPath: "/policies/roleManagementPolicies?$filter=scopeId%20eq%20'/'%20and%20scopeType%20eq%20'DirectoryRole'&$expand=rules",
            itemPath: "/policies/roleManagementPolicies/{id}?$expand=rules",
            permissions: ["RoleManagementPolicy.Read.Directory", "RoleManagement.Read.Directory"],
            references: [
                ObjectReference("rules[].setting.approvalStages[].primaryApprovers[].userId", to: ["user"]),
                ObjectReference("rules[].setting.approvalStages[].primaryApprovers[].groupId", to: ["group"]),
                ObjectReference("rules[].setting.approvalStages[].escalationApprovers[].userId", to: ["user"]),
                ObjectReference("rules[].setting.approvalStages[].escalationApprovers[].groupId", to: ["group"]),
            ],
            readOnly: ["id", "displayName", "description", "isOrganizationDefault", "scopeId", "scopeType",
                       "lastModifiedDateTime", "lastModifiedBy"],
            restore: .patchInPlace,
            notes: "PIM role settings, one policy per role with its rules inline ($expand=rules). Every role has one; "
                + "a restore patches each rule that differs (/policies/roleManagementPolicies/{id}/rules/{ruleId})."),
        CatalogueEntry(
            name: "roleManagementPolicyAssignment", odataType: "#microsoft.graph.unifiedRoleManagementPolicyAssignment",
            listPath: "/policies/roleManagementPolicyAssignments?$filter=scopeId%20eq%20'/'%20and%20scopeType%20eq%20'DirectoryRole'",
            permissions: ["RoleManagementPolicy.Read.Directory", "RoleManagement.Read.Directory"],
            references: [ObjectReference("roleDefinitionId", to: ["roleDefinition"])],
            readOnly: ["id", "policyId", "roleDefinitionId", "scopeId", "scopeType"],
            restore: .manual(reason: "Entra keeps one settings policy per role; which policy belongs to a role cannot change"),
            notes: "Which settings policy applies to which role: how a restore finds a role's policy in another tenant."),
    ] + groupPrivilegedAccess

    private static let groupPimReferences: [ObjectReference] = [
        ObjectReference("groupId", to: ["group"]),
        ObjectReference("principalId", to: ["user", "group", "servicePrincipal"]),
    ]
    private static let groupScheduleReadOnly: Set<String> = [
        "id", "createdDateTime", "createdUsing", "modifiedDateTime", "status", "memberType", "assignmentType",
    ]

    /// Privileged Identity Management for Groups: eligible and active membership and ownership of
    /// each group. Graph lists them only with a `groupId` (or `principalId`) filter, so each is read
    /// per group.
    static let groupPrivilegedAccess: [CatalogueEntry] = [
        CatalogueEntry(
            name: "group.eligibilitySchedules", odataType: "#microsoft.graph.privilegedAccessGroupEligibilitySchedule",
            parent: "group",
            listPath: "/identityGovernance/privilegedAccess/group/eligibilitySchedules?$filter=groupId%20eq%20'{0}'",
            itemPath: "/identityGovernance/privilegedAccess/group/eligibilitySchedules/{id}",
            permissions: ["PrivilegedEligibilitySchedule.Read.AzureADGroup", "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
                          "PrivilegedAccess.Read.AzureADGroup"],
            references: groupPimReferences, readOnly: groupScheduleReadOnly,
            createOnly: ["groupId", "principalId", "accessId", "scheduleInfo"], restore: .create,
            notes: "Eligible membership or ownership (accessId member or owner), invisible in group.members. Restored "
                + "through an adminAssign eligibilityScheduleRequest with the original end; an expired one is not restored."),
        CatalogueEntry(
            name: "group.eligibilityScheduleInstances",
            odataType: "#microsoft.graph.privilegedAccessGroupEligibilityScheduleInstance", parent: "group",
            listPath: "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances?$filter=groupId%20eq%20'{0}'",
            itemPath: "/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances/{id}",
            permissions: ["PrivilegedEligibilitySchedule.Read.AzureADGroup", "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
                          "PrivilegedAccess.Read.AzureADGroup"],
            references: groupPimReferences,
            restore: .manual(reason: "instances follow from their eligibility schedule, which is what a restore recreates"),
            notes: "Evidence of who could activate membership or ownership at backup time."),
        CatalogueEntry(
            name: "group.assignmentSchedules", odataType: "#microsoft.graph.privilegedAccessGroupAssignmentSchedule",
            parent: "group",
            listPath: "/identityGovernance/privilegedAccess/group/assignmentSchedules?$filter=groupId%20eq%20'{0}'",
            itemPath: "/identityGovernance/privilegedAccess/group/assignmentSchedules/{id}",
            permissions: ["PrivilegedAssignmentSchedule.Read.AzureADGroup", "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
                          "PrivilegedAccess.Read.AzureADGroup"],
            references: groupPimReferences, readOnly: groupScheduleReadOnly,
            createOnly: ["groupId", "principalId", "accessId", "scheduleInfo"], restore: .create,
            notes: "Active membership or ownership. Time-bound ones are restored through an adminAssign "
                + "assignmentScheduleRequest with their original end; activations (assignmentType Activated) are never "
                + "restored, and the membership they made is not relinked; permanent ones come back as group.members "
                + "or group.owners."),
        CatalogueEntry(
            name: "group.assignmentScheduleInstances",
            odataType: "#microsoft.graph.privilegedAccessGroupAssignmentScheduleInstance", parent: "group",
            listPath: "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances?$filter=groupId%20eq%20'{0}'",
            itemPath: "/identityGovernance/privilegedAccess/group/assignmentScheduleInstances/{id}",
            permissions: ["PrivilegedAssignmentSchedule.Read.AzureADGroup", "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
                          "PrivilegedAccess.Read.AzureADGroup"],
            references: groupPimReferences,
            restore: .manual(reason: "instances follow from their schedule; they show which memberships are activations"),
            notes: "assignmentType Activated marks a membership or ownership that exists only because an eligible user activated it."),
    ]
}
