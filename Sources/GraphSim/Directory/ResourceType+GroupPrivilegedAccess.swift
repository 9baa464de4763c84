/// Privileged Identity Management for Groups (`/identityGovernance/privilegedAccess/group`):
/// eligible and active membership and ownership, their instances and the requests that change
/// them. Property lists follow the v1.0 property tables of each resource.
extension ResourceType {
    static let groupEligibilityRead = PermissionRule.any(
        "PrivilegedEligibilitySchedule.Read.AzureADGroup", "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup",
        "PrivilegedAccess.Read.AzureADGroup", "PrivilegedAccess.ReadWrite.AzureADGroup"
    )
    static let groupEligibilityWrite = PermissionRule.any(
        "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup", "PrivilegedAccess.ReadWrite.AzureADGroup"
    )
    static let groupAssignmentRead = PermissionRule.any(
        "PrivilegedAssignmentSchedule.Read.AzureADGroup", "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
        "PrivilegedAccess.Read.AzureADGroup", "PrivilegedAccess.ReadWrite.AzureADGroup"
    )
    static let groupAssignmentWrite = PermissionRule.any(
        "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup", "PrivilegedAccess.ReadWrite.AzureADGroup"
    )

    /// privilegedAccessSchedule plus the group's fields.
    static let groupScheduleProperties = [
        "id", "accessId", "createdDateTime", "createdUsing", "groupId", "memberType", "modifiedDateTime", "principalId",
        "scheduleInfo", "status",
    ]
    /// privilegedAccessScheduleInstance plus the group's fields.
    static let groupInstanceProperties = ["id", "accessId", "endDateTime", "groupId", "memberType", "principalId", "startDateTime"]
    /// privilegedAccessGroupEligibilityScheduleRequest and privilegedAccessGroupAssignmentScheduleRequest.
    static let groupRequestProperties = [
        "id", "accessId", "action", "approvalId", "completedDateTime", "createdBy", "createdDateTime", "customData", "groupId",
        "isValidationOnly", "justification", "principalId", "scheduleInfo", "status", "targetScheduleId", "ticketInfo",
    ]
    static let groupRequestReadOnly: Set<String> = [
        "id", "approvalId", "completedDateTime", "createdBy", "createdDateTime", "status", "targetScheduleId",
    ]

    public static let privilegedAccessGroupEligibilitySchedule = ResourceType(
        name: "privilegedAccessGroupEligibilitySchedule",
        entitySet: "identityGovernance/privilegedAccess/group/eligibilitySchedules",
        properties: groupScheduleProperties, readOnly: Set(groupScheduleProperties),
        read: groupEligibilityRead, write: .none
    )

    public static let privilegedAccessGroupEligibilityScheduleInstance = ResourceType(
        name: "privilegedAccessGroupEligibilityScheduleInstance",
        entitySet: "identityGovernance/privilegedAccess/group/eligibilityScheduleInstances",
        properties: groupInstanceProperties + ["eligibilityScheduleId"],
        readOnly: Set(groupInstanceProperties + ["eligibilityScheduleId"]),
        read: groupEligibilityRead, write: .none
    )

    public static let privilegedAccessGroupAssignmentSchedule = ResourceType(
        name: "privilegedAccessGroupAssignmentSchedule",
        entitySet: "identityGovernance/privilegedAccess/group/assignmentSchedules",
        properties: groupScheduleProperties + ["assignmentType"], readOnly: Set(groupScheduleProperties + ["assignmentType"]),
        read: groupAssignmentRead, write: .none
    )

    public static let privilegedAccessGroupAssignmentScheduleInstance = ResourceType(
        name: "privilegedAccessGroupAssignmentScheduleInstance",
        entitySet: "identityGovernance/privilegedAccess/group/assignmentScheduleInstances",
        properties: groupInstanceProperties + ["assignmentScheduleId", "assignmentType"],
        readOnly: Set(groupInstanceProperties + ["assignmentScheduleId", "assignmentType"]),
        read: groupAssignmentRead, write: .none
    )

    public static let privilegedAccessGroupEligibilityScheduleRequest = ResourceType(
        name: "privilegedAccessGroupEligibilityScheduleRequest",
        entitySet: "identityGovernance/privilegedAccess/group/eligibilityScheduleRequests",
        properties: groupRequestProperties, readOnly: groupRequestReadOnly,
        read: groupEligibilityRead, write: groupEligibilityWrite
    )

    public static let privilegedAccessGroupAssignmentScheduleRequest = ResourceType(
        name: "privilegedAccessGroupAssignmentScheduleRequest",
        entitySet: "identityGovernance/privilegedAccess/group/assignmentScheduleRequests",
        properties: groupRequestProperties, readOnly: groupRequestReadOnly,
        read: groupAssignmentRead, write: groupAssignmentWrite
    )

    static let groupPrivilegedAccess: [ResourceType] = [
        .privilegedAccessGroupEligibilitySchedule, .privilegedAccessGroupEligibilityScheduleInstance,
        .privilegedAccessGroupAssignmentSchedule, .privilegedAccessGroupAssignmentScheduleInstance,
        .privilegedAccessGroupEligibilityScheduleRequest, .privilegedAccessGroupAssignmentScheduleRequest,
    ]
}
