/// Identity governance configuration. Property lists follow each v1.0 property table.
extension ResourceType {
    /// A terms of use agreement (`/identityGovernance/termsOfUse/agreements`); conditional access
    /// requires it through `grantControls.termsOfUse`.
    public static let agreement = ResourceType(
        name: "agreement",
        entitySet: "agreements",
        properties: ["id", "displayName", "isPerDeviceAcceptanceRequired", "isViewingBeforeAcceptanceRequired",
                     "termsExpiration", "userReacceptRequiredFrequency"],
        readOnly: ["id"],
        read: .any("Agreement.Read.All", "Agreement.ReadWrite.All"),
        write: .any("Agreement.ReadWrite.All")
    )

    static let governance: [ResourceType] = [.agreement]
}
