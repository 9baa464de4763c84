/// Privileged Identity Management for Entra roles: eligibility and active-assignment schedules,
/// their instances, the requests that create them, and the role settings (policies and rules).
/// Property lists follow the v1.0 property tables of each resource.
extension ResourceType {
    static let eligibilityScheduleRead = PermissionRule.any(
        "RoleEligibilitySchedule.Read.Directory", "RoleEligibilitySchedule.ReadWrite.Directory",
        "RoleManagement.Read.Directory", "RoleManagement.Read.All", "RoleManagement.ReadWrite.Directory"
    )
    static let eligibilityScheduleWrite = PermissionRule.any(
        "RoleEligibilitySchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"
    )
    static let assignmentScheduleRead = PermissionRule.any(
        "RoleAssignmentSchedule.Read.Directory", "RoleAssignmentSchedule.ReadWrite.Directory",
        "RoleManagement.Read.Directory", "RoleManagement.Read.All", "RoleManagement.ReadWrite.Directory"
    )
    static let assignmentScheduleWrite = PermissionRule.any(
        "RoleAssignmentSchedule.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"
    )
    static let roleManagementPolicyRead = PermissionRule.any(
        "RoleManagementPolicy.Read.Directory", "RoleManagementPolicy.ReadWrite.Directory",
        "RoleManagement.Read.Directory", "RoleManagement.Read.All", "RoleManagement.ReadWrite.Directory"
    )
    static let roleManagementPolicyWrite = PermissionRule.any(
        "RoleManagementPolicy.ReadWrite.Directory", "RoleManagement.ReadWrite.Directory"
    )

    /// unifiedRoleScheduleBase.
    static let scheduleBaseProperties = [
        "id", "appScopeId", "createdDateTime", "createdUsing", "directoryScopeId", "modifiedDateTime", "principalId",
        "roleDefinitionId", "status",
    ]
    /// unifiedRoleScheduleInstanceBase.
    static let instanceBaseProperties = ["id", "appScopeId", "directoryScopeId", "principalId", "roleDefinitionId"]
    /// unifiedRoleEligibilityScheduleRequest and unifiedRoleAssignmentScheduleRequest.
    static let scheduleRequestProperties = [
        "id", "action", "appScopeId", "approvalId", "completedDateTime", "createdBy", "createdDateTime", "customData",
        "directoryScopeId", "isValidationOnly", "justification", "principalId", "roleDefinitionId", "scheduleInfo",
        "status", "targetScheduleId", "ticketInfo",
    ]

    public static let unifiedRoleEligibilitySchedule = ResourceType(
        name: "unifiedRoleEligibilitySchedule",
        entitySet: "roleManagement/directory/roleEligibilitySchedules",
        properties: scheduleBaseProperties + ["memberType", "scheduleInfo"],
        readOnly: Set(scheduleBaseProperties + ["memberType", "scheduleInfo"]),
        read: eligibilityScheduleRead,
        write: .none
    )

    public static let unifiedRoleEligibilityScheduleInstance = ResourceType(
        name: "unifiedRoleEligibilityScheduleInstance",
        entitySet: "roleManagement/directory/roleEligibilityScheduleInstances",
        properties: instanceBaseProperties + ["endDateTime", "memberType", "roleEligibilityScheduleId", "startDateTime"],
        readOnly: Set(instanceBaseProperties + ["endDateTime", "memberType", "roleEligibilityScheduleId", "startDateTime"]),
        read: eligibilityScheduleRead,
        write: .none
    )

    public static let unifiedRoleAssignmentSchedule = ResourceType(
        name: "unifiedRoleAssignmentSchedule",
        entitySet: "roleManagement/directory/roleAssignmentSchedules",
        properties: scheduleBaseProperties + ["assignmentType", "memberType", "scheduleInfo"],
        readOnly: Set(scheduleBaseProperties + ["assignmentType", "memberType", "scheduleInfo"]),
        read: assignmentScheduleRead,
        write: .none
    )

    public static let unifiedRoleAssignmentScheduleInstance = ResourceType(
        name: "unifiedRoleAssignmentScheduleInstance",
        entitySet: "roleManagement/directory/roleAssignmentScheduleInstances",
        properties: instanceBaseProperties + ["assignmentType", "endDateTime", "memberType", "roleAssignmentOriginId",
                                              "roleAssignmentScheduleId", "startDateTime"],
        readOnly: Set(instanceBaseProperties + ["assignmentType", "endDateTime", "memberType", "roleAssignmentOriginId",
                                                "roleAssignmentScheduleId", "startDateTime"]),
        read: assignmentScheduleRead,
        write: .none
    )

    public static let unifiedRoleEligibilityScheduleRequest = ResourceType(
        name: "unifiedRoleEligibilityScheduleRequest",
        entitySet: "roleManagement/directory/roleEligibilityScheduleRequests",
        properties: scheduleRequestProperties,
        readOnly: ["id", "approvalId", "completedDateTime", "createdBy", "createdDateTime", "status", "targetScheduleId"],
        read: eligibilityScheduleRead,
        write: eligibilityScheduleWrite
    )

    public static let unifiedRoleAssignmentScheduleRequest = ResourceType(
        name: "unifiedRoleAssignmentScheduleRequest",
        entitySet: "roleManagement/directory/roleAssignmentScheduleRequests",
        properties: scheduleRequestProperties,
        readOnly: ["id", "approvalId", "completedDateTime", "createdBy", "createdDateTime", "status", "targetScheduleId"],
        read: assignmentScheduleRead,
        write: assignmentScheduleWrite
    )

    public static let unifiedRoleManagementPolicy = ResourceType(
        name: "unifiedRoleManagementPolicy",
        entitySet: "policies/roleManagementPolicies",
        properties: [
            "id", "description", "displayName", "isOrganizationDefault", "lastModifiedBy", "lastModifiedDateTime",
            "scopeId", "scopeType",
        ],
        readOnly: ["id", "description", "displayName", "isOrganizationDefault", "lastModifiedBy", "lastModifiedDateTime",
                   "scopeId", "scopeType"],
        read: roleManagementPolicyRead,
        write: .none
    )

    /// The rule types of v1.0 (approval, authentication context, enablement, expiration,
    /// notification) share one collection; each object carries its own `@odata.type`.
    public static let unifiedRoleManagementPolicyRule = ResourceType(
        name: "unifiedRoleManagementPolicyRule",
        entitySet: "policies/roleManagementPolicies('{id}')/rules",
        properties: [
            "@odata.type", "id", "target", "setting", "isEnabled", "claimValue", "enabledRules", "isExpirationRequired",
            "maximumDuration", "notificationType", "recipientType", "notificationLevel", "isDefaultRecipientsEnabled",
            "notificationRecipients",
        ],
        readOnly: ["id"],
        read: roleManagementPolicyRead,
        write: roleManagementPolicyWrite
    )

    public static let unifiedRoleManagementPolicyAssignment = ResourceType(
        name: "unifiedRoleManagementPolicyAssignment",
        entitySet: "policies/roleManagementPolicyAssignments",
        properties: ["id", "policyId", "roleDefinitionId", "scopeId", "scopeType"],
        readOnly: ["id", "policyId", "roleDefinitionId", "scopeId", "scopeType"],
        read: roleManagementPolicyRead,
        write: .none
    )

    static let privilegedAccess: [ResourceType] = [
        .unifiedRoleEligibilitySchedule, .unifiedRoleEligibilityScheduleInstance, .unifiedRoleAssignmentSchedule,
        .unifiedRoleAssignmentScheduleInstance, .unifiedRoleEligibilityScheduleRequest,
        .unifiedRoleAssignmentScheduleRequest, .unifiedRoleManagementPolicy, .unifiedRoleManagementPolicyRule,
        .unifiedRoleManagementPolicyAssignment,
    ]
}
