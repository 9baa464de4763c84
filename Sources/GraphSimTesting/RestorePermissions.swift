/// The application permissions a restore writes with (beyond the backup's read permissions), for
/// test apps registered in graph-sim that plan and apply restores.
public enum RestorePermissions {
    public static let writes = [
        "User.ReadWrite.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Application.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "Policy.ReadWrite.ConditionalAccess",
        "RoleManagement.ReadWrite.Directory", "AdministrativeUnit.ReadWrite.All", "AuditLog.Read.All",
        "Policy.ReadWrite.Authorization", "Directory.ReadWrite.All",
        "RoleEligibilitySchedule.ReadWrite.Directory", "RoleAssignmentSchedule.ReadWrite.Directory",
        "RoleManagementPolicy.ReadWrite.Directory", "Policy.ReadWrite.AuthenticationMethod", "AuthenticationContext.ReadWrite.All",
        "Policy.ReadWrite.CrossTenantAccess", "Policy.ReadWrite.SecurityDefaults", "Policy.ReadWrite.ConsentRequest",
        "Policy.ReadWrite.PermissionGrant", "Domain-InternalFederation.ReadWrite.All", "IdentityProvider.ReadWrite.All",
        "Policy.ReadWrite.ApplicationConfiguration", "Policy.ReadWrite.AuthenticationFlows", "Policy.ReadWrite.DeviceConfiguration",
        "PrivilegedEligibilitySchedule.ReadWrite.AzureADGroup", "PrivilegedAssignmentSchedule.ReadWrite.AzureADGroup",
        "CustomSecAttributeDefinition.ReadWrite.All", "CustomSecAttributeAssignment.ReadWrite.All",
        "OrganizationalBranding.ReadWrite.All",
    ]
}
