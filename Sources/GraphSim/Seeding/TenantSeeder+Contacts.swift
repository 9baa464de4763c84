import Foundation

extension TenantSeeder {
    /// Mail contacts for partners and suppliers (about one per fifty users), some of them members
    /// of a group, as Exchange Online creates them.
    mutating func seedContacts() {
        guard !profile.isEmpty else { return }
        let companies = ["Northwind Traders", "Adventure Works", "Fourth Coffee", "Litware", "Proseware", "Tailspin Toys"]
        let count = max(2, profile.users / 50)
        var created: [String] = []
        for index in 0..<count {
            let given = NameData.firstNames[random.below(NameData.firstNames.count)]
            let surname = NameData.lastNames[random.below(NameData.lastNames.count)]
            let company = companies[index % companies.count]
            let domain = company.lowercased().replacingOccurrences(of: " ", with: "") + ".com"
            let nickname = "\(given.lowercased()).\(surname.lowercased())\(index)"
            let id = newId()
            directory.insert(.orgContact, [
                "id": .string(id), "addresses": [[
                    "city": .string(random.chance(0.5) ? "Seattle" : "London"), "countryOrRegion": .null, "officeLocation": .null,
                    "postalCode": .null, "state": .null, "street": .null,
                ]],
                "companyName": .string(company), "deletedDateTime": .null, "department": .null,
                "displayName": .string("\(given) \(surname) (\(company))"), "givenName": .string(given),
                "jobTitle": random.chance(0.5) ? "Account Manager" : .null, "mail": .string("\(nickname)@\(domain)"),
                "mailNickname": .string(nickname), "onPremisesLastSyncDateTime": .null, "onPremisesProvisioningErrors": [],
                "onPremisesSyncEnabled": .null, "phones": [["number": .string("+1 425 555 \(1000 + random.below(9000))"), "type": "business"]],
                "proxyAddresses": [.string("SMTP:\(nickname)@\(domain)")], "serviceProvisioningErrors": [], "surname": .string(surname),
            ])
            created.append(id)
        }
        // Partners on a mailing group: contacts are group members like users.
        if let group = securityGroupIds.last {
            directory.memberships.add(group, targets: Array(created.prefix(max(1, created.count / 3))))
        }
    }
}
