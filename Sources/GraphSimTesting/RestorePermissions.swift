/// The application permissions a restore writes with (beyond the backup's read permissions), for
/// test apps registered in graph-sim that plan and apply restores.
public enum RestorePermissions {
    public static let writes = [
        "User.ReadWrite.All", "Group.ReadWrite.All", "GroupMember.ReadWrite.All", "Application.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All", "DelegatedPermissionGrant.ReadWrite.All", "Policy.ReadWrite.ConditionalAccess",
        "RoleManagement.ReadWrite.Directory", "AdministrativeUnit.ReadWrite.All", "AuditLog.Read.All",
        "Policy.ReadWrite.Authorization", "Directory.ReadWrite.All",
    ]
}
