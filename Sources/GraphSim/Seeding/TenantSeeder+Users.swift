import Foundation

extension TenantSeeder {
    mutating func seedUsers() {
        guard profile.users > 0 else { return }
        var usedNicknames = Set<String>()
        usedNicknames.reserveCapacity(profile.users)
        let departmentWeights = NameData.departments.map(\.weight)
        let totalWeight = departmentWeights.reduce(0, +)
        var managerPool: [String] = []

        for index in 0..<profile.users {
            let kind: UserKind
            switch index {
            case 0: kind = .administrator
            case 1: kind = .breakGlass
            default:
                let roll = random.unit()
                if roll < 0.04 {
                    kind = .guest
                } else if roll < 0.05 {
                    kind = .room
                } else {
                    kind = .member
                }
            }
            var weightRoll = random.below(totalWeight)
            var department = NameData.departments[0]
            for candidate in NameData.departments {
                if weightRoll < candidate.weight {
                    department = candidate
                    break
                }
                weightRoll -= candidate.weight
            }
            let office = NameData.offices[random.below(NameData.offices.count)]
            let first = random.pick(NameData.firstNames)
            let last = random.pick(NameData.lastNames)

            var nickname: String
            var given: String? = first
            var surname: String? = last
            var displayName = "\(first) \(last)"
            switch kind {
            case .administrator:
                nickname = "admin"
                given = "MOD"
                surname = "Administrator"
                displayName = "MOD Administrator"
            case .breakGlass:
                nickname = "breakglass01"
                given = nil
                surname = nil
                displayName = "Emergency Access 01"
            case .room:
                nickname = "room.\(last.lowercased().filter(\.isLetter))"
                given = nil
                surname = nil
                displayName = "Conf Room \(last)"
            case .member, .guest:
                nickname = "\(first).\(last)".lowercased().filter { $0.isLetter || $0 == "." }
            }
            if !usedNicknames.insert(nickname).inserted {
                var suffix = 2
                while !usedNicknames.insert("\(nickname)\(suffix)").inserted { suffix += 1 }
                nickname = "\(nickname)\(suffix)"
            }

            let id = newId()
            let synced = profile.isHybrid && (kind == .member) && random.chance(0.6)
            let object = makeUser(
                id: id, kind: kind, nickname: nickname, given: given, surname: surname, displayName: displayName,
                department: department, office: office, synced: synced, index: index
            )
            directory.insert(.user, object)
            userDisplayNames[id] = displayName

            switch kind {
            case .administrator:
                adminUserId = id
                memberUserIds.append(id)
                managerPool.append(id)
            case .breakGlass:
                breakGlassUserId = id
            case .guest:
                guestUserIds.append(id)
            case .room:
                break
            case .member:
                memberUserIds.append(id)
                userDepartments[id] = department.name
                // A tree with a fan-out of about seven: each member reports to an earlier one.
                if let manager = managerPool.isEmpty ? nil : managerPool[(managerPool.count - 1) / 7] {
                    directory.managers.add(id, manager)
                }
                managerPool.append(id)
            }
            seedAuthenticationMethods(userId: id, kind: kind, phonePrefix: office.phonePrefix, displayName: displayName)
        }
    }

    enum UserKind {
        case administrator, breakGlass, member, guest, room
    }

    private mutating func makeUser(
        id: String,
        kind: UserKind,
        nickname: String,
        given: String?,
        surname: String?,
        displayName: String,
        department: (name: String, weight: Int, titles: [String]),
        office: (city: String, state: String?, country: String, code: String, postal: String, street: String,
                 phonePrefix: String, language: String),
        synced: Bool,
        index: Int
    ) -> JSONObject {
        let isGuest = kind == .guest
        let isMember = kind == .member || kind == .administrator
        let upn: String
        let mail: String?
        switch kind {
        case .guest:
            let external = random.pick(["gmail.com", "outlook.com", "fabrikam.com", "partner.example"])
            upn = "\(nickname)_\(external)#EXT#@\(initialDomain)"
            mail = "\(nickname)@\(external)"
        case .breakGlass:
            upn = "\(nickname)@\(initialDomain)"
            mail = nil
        default:
            upn = "\(nickname)@\(primaryDomain)"
            mail = upn
        }
        let created = pastTimestamp()
        let enabled = kind == .room ? false : !random.chance(0.02)
        let phone = isMember ? "\(office.phonePrefix) \(String(format: "%04d", random.below(10_000)))" : nil
        let mobile = isMember && random.chance(0.6) ? "\(office.phonePrefix) \(String(format: "%04d", random.below(10_000)))" : nil

        var skuIndexes: [Int] = []
        if isMember && random.chance(0.92) {
            skuIndexes.append(random.chance(0.6) ? 0 : 1)
            if random.chance(0.25) { skuIndexes.append(3) }
            for index in skuIndexes { licensedUsersBySku[WellKnown.skus[index].id, default: 0] += 1 }
        }
        let licensing = licenseValues(skuIndexes)

        let immutableId: String? = synced ? Data((0..<16).map { _ in UInt8(truncatingIfNeeded: random.next()) }).base64EncodedString() : nil
        let sam = synced ? String(nickname.prefix(20)) : nil
        let sid = "S-1-12-1-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))"
        let onPremisesSid = synced ? "S-1-5-21-\(1_000_000_000 + random.below(900_000_000))-\(1_000_000_000 + random.below(900_000_000))-\(1_000_000_000 + random.below(900_000_000))-\(1_000 + index)" : nil
        let title = isMember && kind != .administrator ? random.pick(department.titles) : (kind == .administrator ? "IT Administrator" : nil)

        let extensionAttributes = extensionAttributeValues(synced ? department.name : nil)

        var object = JSONObject()
        object.append("id", .string(id))
        object.append("deletedDateTime", .null)
        object.append("accountEnabled", .bool(enabled))
        object.append("ageGroup", .null)
        object.append("assignedLicenses", licensing.licenses)
        object.append("assignedPlans", licensing.plans)
        object.append("businessPhones", phone.map { .array([.string($0)]) } ?? [])
        object.append("city", isMember ? .string(office.city) : .null)
        object.append("companyName", isGuest ? .null : .string(directory.displayName))
        object.append("consentProvidedForMinor", .null)
        object.append("country", isMember ? .string(office.country) : .null)
        object.append("createdDateTime", .string(created))
        object.append("creationType", isGuest ? "Invitation" : .null)
        object.append("department", kind == .member ? .string(department.name) : (kind == .administrator ? "IT" : .null))
        object.append("displayName", .string(displayName))
        object.append("employeeHireDate", kind == .member ? .string(created) : .null)
        object.append("employeeId", kind == .member ? .string(String(100_000 + index)) : .null)
        object.append("employeeLeaveDateTime", .null)
        object.append("employeeOrgData", kind == .member
            ? .object(["division": .string(department.name), "costCenter": .string("CC-\(1000 + random.below(90))")])
            : .null)
        object.append("employeeType", kind == .member ? (random.chance(0.9) ? "Employee" : "Contractor") : .null)
        object.append("externalUserState", isGuest ? "Accepted" : .null)
        object.append("externalUserStateChangeDateTime", isGuest ? .string(created) : .null)
        object.append("faxNumber", .null)
        object.append("givenName", .string(given))
        object.append("identities", .array([.object([
            "signInType": isGuest ? "federated" : "userPrincipalName",
            "issuer": .string(isGuest ? "ExternalAzureAD" : initialDomain),
            "issuerAssignedId": isGuest ? .null : .string(upn),
        ])]))
        object.append("imAddresses", isMember ? .array([.string(upn)]) : [])
        object.append("isResourceAccount", kind == .room ? true : .null)
        object.append("jobTitle", .string(title))
        object.append("lastPasswordChangeDateTime", .string(created))
        object.append("legalAgeGroupClassification", .null)
        object.append("licenseAssignmentStates", licensing.states)
        object.append("mail", .string(mail))
        object.append("mailNickname", .string(isGuest ? nickname + "_ext" : nickname))
        object.append("mobilePhone", .string(mobile))
        object.append("officeLocation", isMember ? .string("\(office.city)/\(random.int(in: 1...40))\(random.pick(["A", "B", "C"]))") : .null)
        object.append("onPremisesDistinguishedName", synced
            ? .string("CN=\(displayName),OU=Users,OU=\(department.name),DC=\(primaryDomain.split(separator: ".")[0]),DC=com")
            : .null)
        object.append("onPremisesDomainName", synced ? .string(primaryDomain) : .null)
        object.append("onPremisesExtensionAttributes", extensionAttributes)
        object.append("onPremisesImmutableId", .string(immutableId))
        object.append("onPremisesLastSyncDateTime", synced ? .string(timestamp(daysAgo: random.unit() * 0.02)) : .null)
        object.append("onPremisesProvisioningErrors", [])
        object.append("onPremisesSamAccountName", .string(sam))
        object.append("onPremisesSecurityIdentifier", .string(onPremisesSid))
        object.append("onPremisesSyncEnabled", synced ? true : .null)
        object.append("onPremisesUserPrincipalName", synced ? .string(upn) : .null)
        object.append("otherMails", isGuest ? .array([.string(mail)]) : [])
        object.append("passwordPolicies", kind == .breakGlass ? "DisablePasswordExpiration" : (synced ? "DisablePasswordExpiration" : .null))
        object.append("passwordProfile", .null)
        object.append("postalCode", isMember ? .string(office.postal) : .null)
        object.append("preferredDataLocation", .null)
        object.append("preferredLanguage", isMember ? .string(office.language) : .null)
        object.append("provisionedPlans", licensing.provisioned)
        object.append("proxyAddresses", mail.map { isGuest ? [] : .array([.string("SMTP:\($0)"), .string("smtp:\(nickname)@\(initialDomain)")]) } ?? [])
        object.append("securityIdentifier", .string(sid))
        object.append("showInAddressList", .null)
        object.append("signInSessionsValidFromDateTime", .string(created))
        object.append("state", isMember ? .string(office.state) : .null)
        object.append("streetAddress", isMember ? .string(office.street) : .null)
        object.append("surname", .string(surname))
        object.append("usageLocation", isMember || kind == .breakGlass ? .string(office.code) : .null)
        object.append("userPrincipalName", .string(upn))
        object.append("userType", isGuest ? "Guest" : "Member")
        // A third of the members carry a value for the tenant's directory extension.
        if kind == .member && index % 3 == 0 {
            object.append(extensionPrefix + "costCenter", .string("CC-\(1000 + random.below(90))"))
        }
        return object
    }

    /// License values for a set of SKUs, shared by every user with the same set.
    private mutating func licenseValues(_ indexes: [Int]) -> (licenses: JSONValue, plans: JSONValue, states: JSONValue, provisioned: JSONValue) {
        let key = "licenses:" + indexes.map(String.init).joined(separator: ",")
        if case .array(let cached)? = sharedValues[key], cached.count == 4 {
            return (cached[0], cached[1], cached[2], cached[3])
        }
        let assigned = Timestamp.format(tenantCreated.addingTimeInterval(86_400))
        var licenses: [JSONValue] = []
        var plans: [JSONValue] = []
        var states: [JSONValue] = []
        for index in indexes {
            let sku = WellKnown.skus[index]
            licenses.append(["disabledPlans": [], "skuId": .string(sku.id)])
            states.append([
                "assignedByGroup": .null,
                "disabledPlans": [],
                "error": "None",
                "lastUpdatedDateTime": .string(assigned),
                "skuId": .string(sku.id),
                "state": "Active",
            ])
            for plan in sku.plans {
                plans.append(["assignedDateTime": .string(assigned), "capabilityStatus": "Enabled",
                              "service": .string(plan.2), "servicePlanId": .string(plan.1)])
            }
        }
        let provisioned: JSONValue = indexes.isEmpty ? [] : [
            ["capabilityStatus": "Enabled", "provisioningStatus": "Success", "service": "exchange"],
            ["capabilityStatus": "Enabled", "provisioningStatus": "Success", "service": "SharePoint"],
        ]
        let values: [JSONValue] = [.array(licenses), .array(plans), .array(states), provisioned]
        sharedValues[key] = .array(values)
        return (values[0], values[1], values[2], values[3])
    }

    /// `onPremisesExtensionAttributes`, shared per distinct first attribute.
    mutating func extensionAttributeValues(_ first: String?) -> JSONValue {
        let key = "extensionAttributes:" + (first ?? "")
        if let cached = sharedValues[key] { return cached }
        var attributes = JSONObject()
        for number in 1...15 {
            attributes.append("extensionAttribute\(number)", number == 1 ? .string(first) : .null)
        }
        sharedValues[key] = .object(attributes)
        return .object(attributes)
    }

    private mutating func seedAuthenticationMethods(userId: String, kind: UserKind, phonePrefix: String, displayName: String) {
        guard kind != .room else { return }
        var methods: [JSONObject] = []
        if kind != .guest {
            methods.append([
                "@odata.type": "#microsoft.graph.passwordAuthenticationMethod",
                "id": .string(WellKnown.passwordMethodId),
                "password": .null,
                "createdDateTime": .string(pastTimestamp()),
            ])
        }
        // The first administrator has every kind of method so each shape can be read back.
        let everything = kind == .administrator
        if everything || (kind == .member && random.chance(0.7)) {
            methods.append([
                "@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
                "id": .string(newId()),
                "displayName": .string(random.pick(["iPhone 15", "Pixel 8", "Galaxy S23", "iPhone 13"])),
                "deviceTag": "SoftwareTokenActivated",
                "phoneAppVersion": .string(random.pick(["6.8.7", "6.8.9", "6.2401.0119"])),
                "createdDateTime": .string(pastTimestamp()),
            ])
        }
        if everything || (kind != .guest && random.chance(0.35)) {
            methods.append([
                "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
                "id": .string(WellKnown.mobilePhoneMethodId),
                "phoneNumber": .string("\(phonePrefix) \(String(format: "%04d", random.below(10_000)))"),
                "phoneType": "mobile",
                "smsSignInState": .string(random.chance(0.2) ? "ready" : "notEnabled"),
            ])
        }
        if everything || (kind == .member && random.chance(0.1)) || kind == .breakGlass {
            let registered = pastTimestamp()
            methods.append([
                "@odata.type": "#microsoft.graph.fido2AuthenticationMethod",
                "id": .string(random.string(22, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")),
                "displayName": .string(random.pick(["YubiKey 5 NFC", "Red key", "Feitian BioPass"])),
                // v1.0 kept the deprecated `creationDateTime` beside `createdDateTime`.
                "createdDateTime": .string(registered),
                "creationDateTime": .string(registered),
                "aaGuid": .string(random.pick(["2fc0579f-8113-47ea-b116-555a8db9202a", "cb69481e-8ff7-4039-93ec-0a2729a154a8"])),
                "model": .string(random.pick(["NFC key", "YubiKey 5 Series", "BioPass FIDO2"])),
                "attestationCertificates": .array([.string(random.string(40, alphabet: "0123456789abcdef"))]),
                "attestationLevel": "attested",
            ])
        }
        if everything || (kind == .member && random.chance(0.15)) {
            methods.append([
                "@odata.type": "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
                "id": .string(newId()),
                "displayName": .string("\(displayName.split(separator: " ").first ?? "User")'s Surface Laptop"),
                "createdDateTime": .string(pastTimestamp()),
                "keyStrength": "normal",
            ])
        }
        if everything || (kind == .member && random.chance(0.08)) {
            methods.append([
                "@odata.type": "#microsoft.graph.emailAuthenticationMethod",
                "id": .string(WellKnown.emailMethodId),
                "emailAddress": .string("\(random.pick(NameData.firstNames).lowercased())\(random.below(1000))@outlook.com"),
            ])
        }
        if everything || (kind == .member && random.chance(0.04)) {
            methods.append([
                "@odata.type": "#microsoft.graph.softwareOathAuthenticationMethod",
                "id": .string(newId()),
                "secretKey": .null,
            ])
        }
        for method in methods {
            directory.insert(.authenticationMethod, method, parent: userId)
        }
    }
}
