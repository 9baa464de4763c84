/// Policies on how apps sign users in and manage credentials, and tenant switches for sign-up and
/// device registration. Property lists follow each v1.0 property table.
extension ResourceType {
    /// Sign-in acceleration to a federated IdP and cloud password validation for federated users.
    public static let homeRealmDiscoveryPolicy = ResourceType(
        name: "homeRealmDiscoveryPolicy",
        entitySet: "policies/homeRealmDiscoveryPolicies",
        properties: policyProperties,
        readOnly: ["id", "deletedDateTime"],
        isDirectoryObject: true,
        read: applicationConfigurationPolicyRead,
        write: .any("Policy.ReadWrite.ApplicationConfiguration")
    )

    /// Idle web-session timeout; applies only as the organization default.
    public static let activityBasedTimeoutPolicy = ResourceType(
        name: "activityBasedTimeoutPolicy",
        entitySet: "policies/activityBasedTimeoutPolicies",
        properties: policyProperties,
        readOnly: ["id", "deletedDateTime"],
        isDirectoryObject: true,
        read: applicationConfigurationPolicyRead,
        write: .any("Policy.ReadWrite.ApplicationConfiguration")
    )

    static let appManagementPolicyRead = PermissionRule.any(
        "Policy.Read.All", "Policy.Read.ApplicationConfiguration", "Policy.ReadWrite.ApplicationConfiguration"
    )

    /// The tenant-wide credential restrictions (`/policies/defaultAppManagementPolicy`).
    public static let tenantAppManagementPolicy = ResourceType(
        name: "tenantAppManagementPolicy",
        entitySet: "policies/defaultAppManagementPolicy",
        properties: ["@odata.id", "id", "displayName", "description", "isEnabled", "applicationRestrictions",
                     "servicePrincipalRestrictions"],
        readOnly: ["@odata.id", "id"],
        read: appManagementPolicyRead,
        write: .any("Policy.ReadWrite.ApplicationConfiguration")
    )

    /// Credential restrictions for the applications and service principals it applies to.
    public static let appManagementPolicy = ResourceType(
        name: "appManagementPolicy",
        entitySet: "policies/appManagementPolicies",
        properties: ["id", "displayName", "description", "isEnabled", "restrictions"],
        readOnly: ["id"],
        isDirectoryObject: true,
        read: appManagementPolicyRead,
        write: .any("Policy.ReadWrite.ApplicationConfiguration")
    )

    /// Self-service sign-up for guests (`selfServiceSignUp.isEnabled`).
    public static let authenticationFlowsPolicy = ResourceType(
        name: "authenticationFlowsPolicy",
        entitySet: "policies/authenticationFlowsPolicy",
        properties: ["id", "displayName", "description", "selfServiceSignUp"],
        readOnly: ["id", "displayName", "description"],
        read: .any("Policy.Read.All", "Policy.ReadWrite.AuthenticationFlows"),
        write: .any("Policy.ReadWrite.AuthenticationFlows")
    )

    /// Who may register and join devices, MFA to join, device quota and the LAPS switch; written
    /// whole with `PUT`.
    public static let deviceRegistrationPolicy = ResourceType(
        name: "deviceRegistrationPolicy",
        entitySet: "deviceRegistrationPolicy",
        properties: ["id", "displayName", "description", "userDeviceQuota", "multiFactorAuthConfiguration",
                     "azureADRegistration", "azureADJoin", "localAdminPassword"],
        readOnly: ["id", "displayName", "description"],
        read: .any("Policy.Read.DeviceConfiguration", "Policy.ReadWrite.DeviceConfiguration"),
        write: .any("Policy.ReadWrite.DeviceConfiguration")
    )

    /// The properties `PUT /policies/deviceRegistrationPolicy` requires.
    static let deviceRegistrationPolicyUpdatable = ["userDeviceQuota", "multiFactorAuthConfiguration", "azureADRegistration",
                                                    "azureADJoin", "localAdminPassword"]

    /// Which of an API's delegated permissions count as low risk for user consent.
    public static let delegatedPermissionClassification = ResourceType(
        name: "delegatedPermissionClassification",
        entitySet: "servicePrincipals('{id}')/delegatedPermissionClassifications",
        properties: ["id", "classification", "permissionId", "permissionName"],
        readOnly: ["id"],
        read: .any("Application.Read.All", "Application.ReadWrite.OwnedBy", "Directory.Read.All", "Application.ReadWrite.All",
                   "Directory.ReadWrite.All"),
        write: .any("Policy.ReadWrite.PermissionGrant")
    )

    static let applicationPolicies: [ResourceType] = [
        .homeRealmDiscoveryPolicy, .activityBasedTimeoutPolicy, .tenantAppManagementPolicy, .appManagementPolicy,
        .authenticationFlowsPolicy, .deviceRegistrationPolicy, .delegatedPermissionClassification,
    ]
}
