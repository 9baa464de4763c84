/// Authentication strengths (built-in and custom, with their combination configurations) and
/// authentication contexts, which conditional access policies reference by id.
extension ResourceType {
    static let authenticationStrengthRead = PermissionRule.any(
        "Policy.Read.AuthenticationMethod", "Policy.Read.All", "Policy.ReadWrite.AuthenticationMethod",
        "Policy.ReadWrite.ConditionalAccess"
    )
    static let authenticationStrengthWrite = PermissionRule.any(
        "Policy.ReadWrite.ConditionalAccess", "Policy.ReadWrite.AuthenticationMethod"
    )

    public static let authenticationStrengthPolicy = ResourceType(
        name: "authenticationStrengthPolicy",
        entitySet: "policies/authenticationStrengthPolicies",
        properties: [
            "id", "allowedCombinations", "createdDateTime", "description", "displayName", "modifiedDateTime", "policyType",
            "requirementsSatisfied", "combinationConfigurations",
        ],
        readOnly: ["id", "createdDateTime", "modifiedDateTime", "policyType", "requirementsSatisfied"],
        read: authenticationStrengthRead,
        write: authenticationStrengthWrite
    )

    /// fido2CombinationConfiguration and x509CertificateCombinationConfiguration, under their policy.
    public static let authenticationCombinationConfiguration = ResourceType(
        name: "authenticationCombinationConfiguration",
        entitySet: "policies/authenticationStrengthPolicies('{id}')/combinationConfigurations",
        properties: ["@odata.type", "id", "appliesToCombinations", "allowedAAGUIDs", "allowedIssuerSkis", "allowedPolicyOIDs"],
        readOnly: ["id"],
        read: authenticationStrengthRead,
        write: authenticationStrengthWrite
    )

    public static let authenticationContextClassReference = ResourceType(
        name: "authenticationContextClassReference",
        entitySet: "identity/conditionalAccess/authenticationContextClassReferences",
        properties: ["id", "description", "displayName", "isAvailable"],
        readOnly: [],
        read: .any("AuthenticationContext.Read.All", "AuthenticationContext.ReadWrite.All", "Policy.Read.All",
                   "Policy.ReadWrite.ConditionalAccess"),
        write: .any("AuthenticationContext.ReadWrite.All", "Policy.ReadWrite.ConditionalAccess")
    )

    static let authenticationStrengths: [ResourceType] = [
        .authenticationStrengthPolicy, .authenticationCombinationConfiguration, .authenticationContextClassReference,
    ]
}
