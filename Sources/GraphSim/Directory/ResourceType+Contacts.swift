/// Organizational contacts (`/contacts`): mail contacts Exchange Online or directory
/// synchronization writes; Graph v1.0 reads them (with delta) and has no create or update.
/// The property list follows the v1.0 orgContact property table.
extension ResourceType {
    public static let orgContact = ResourceType(
        name: "orgContact",
        entitySet: "contacts",
        properties: [
            "id", "addresses", "companyName", "deletedDateTime", "department", "displayName", "givenName", "jobTitle", "mail",
            "mailNickname", "onPremisesLastSyncDateTime", "onPremisesProvisioningErrors", "onPremisesSyncEnabled", "phones",
            "proxyAddresses", "serviceProvisioningErrors", "surname",
        ],
        readOnly: ["id", "deletedDateTime", "onPremisesLastSyncDateTime", "onPremisesProvisioningErrors", "onPremisesSyncEnabled",
                   "proxyAddresses", "serviceProvisioningErrors"],
        isDirectoryObject: true,
        paging: standardPaging,
        hasDelta: true,
        read: .any("OrgContact.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"),
        write: .none
    )
}
