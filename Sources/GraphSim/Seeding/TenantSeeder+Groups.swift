import Foundation

extension TenantSeeder {
    enum GroupKind {
        case unified, security, dynamicSecurity, roleAssignable, mailEnabledSecurity, distribution
    }

    mutating func makeGroup(
        id: String,
        displayName: String,
        description: String,
        kind: GroupKind,
        membershipRule: String? = nil,
        synced: Bool = false
    ) -> JSONObject {
        let nickname = displayName.lowercased().filter { $0.isLetter || $0.isNumber }
        let mailEnabled: Bool
        let securityEnabled: Bool
        var groupTypes: [String] = []
        switch kind {
        case .unified:
            mailEnabled = true
            securityEnabled = false
            groupTypes = ["Unified"]
        case .security, .roleAssignable:
            mailEnabled = false
            securityEnabled = true
        case .dynamicSecurity:
            mailEnabled = false
            securityEnabled = true
            groupTypes = ["DynamicMembership"]
        case .mailEnabledSecurity:
            mailEnabled = true
            securityEnabled = true
        case .distribution:
            mailEnabled = true
            securityEnabled = false
        }
        let created = pastTimestamp()
        let mail = mailEnabled ? "\(nickname)@\(primaryDomain)" : nil
        var object = JSONObject()
        object.append("id", .string(id))
        object.append("deletedDateTime", .null)
        object.append("classification", .null)
        object.append("createdDateTime", .string(created))
        object.append("creationOptions", kind == .unified && random.chance(0.5) ? ["Team", "ExchangeProvisioningFlags:3552"] : [])
        object.append("description", .string(description))
        object.append("displayName", .string(displayName))
        object.append("expirationDateTime", kind == .unified ? .string(futureTimestamp(days: Double(random.int(in: 30...180)))) : .null)
        object.append("groupTypes", .strings(groupTypes))
        object.append("isAssignableToRole", kind == .roleAssignable ? true : .null)
        object.append("mail", .string(mail))
        object.append("mailEnabled", .bool(mailEnabled))
        object.append("mailNickname", .string(mailEnabled ? nickname : String(nickname.prefix(8)) + "-" + random.string(4)))
        object.append("membershipRule", .string(membershipRule))
        object.append("membershipRuleProcessingState", membershipRule == nil ? .null : "On")
        object.append("onPremisesDomainName", synced ? .string(primaryDomain) : .null)
        object.append("onPremisesLastSyncDateTime", synced ? .string(timestamp(daysAgo: 0.01)) : .null)
        object.append("onPremisesNetBiosName", synced ? .string(String(primaryDomain.split(separator: ".")[0]).uppercased()) : .null)
        object.append("onPremisesProvisioningErrors", [])
        object.append("onPremisesSamAccountName", synced ? .string(nickname) : .null)
        object.append("onPremisesSecurityIdentifier", synced ? .string("S-1-5-21-\(1_000_000_000 + random.below(900_000_000))-\(random.below(100_000))") : .null)
        object.append("onPremisesSyncEnabled", synced ? true : .null)
        object.append("preferredDataLocation", .null)
        object.append("preferredLanguage", .null)
        object.append("proxyAddresses", mail.map { .array([.string("SMTP:\($0)"), .string("smtp:\(nickname)@\(initialDomain)")]) } ?? [])
        object.append("renewedDateTime", .string(created))
        object.append("resourceBehaviorOptions", kind == .unified ? ["WelcomeEmailDisabled"] : [])
        object.append("resourceProvisioningOptions", kind == .unified && random.chance(0.5) ? ["Team"] : [])
        object.append("securityEnabled", .bool(securityEnabled))
        object.append("securityIdentifier", .string("S-1-12-1-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))-\(random.below(4_000_000_000))"))
        object.append("serviceProvisioningErrors", [])
        object.append("theme", .null)
        object.append("visibility", kind == .unified ? .string(random.chance(0.7) ? "Private" : "Public") : .null)
        return object
    }

    mutating func addGroup(
        _ displayName: String,
        description: String,
        kind: GroupKind,
        membershipRule: String? = nil,
        synced: Bool = false
    ) -> String {
        let id = newId()
        let object = makeGroup(id: id, displayName: displayName, description: description, kind: kind,
                               membershipRule: membershipRule, synced: synced)
        directory.insert(.group, object)
        return id
    }

    mutating func seedGroups() {
        guard profile.groupCount > 0 else { return }
        let members = memberUserIds

        // Dynamic groups whose membership follows their rule.
        let allUsers = addGroup("All Users", description: "Every member account (dynamic)", kind: .dynamicSecurity,
                                membershipRule: "(user.userType -eq \"Member\")")
        allUsersGroupId = allUsers
        directory.memberships.add(allUsers, targets: members)
        securityGroupIds.append(allUsers)

        for department in NameData.departments {
            let id = addGroup("\(department.name) Department", description: "Members of \(department.name) (dynamic)",
                              kind: .dynamicSecurity, membershipRule: "(user.department -eq \"\(department.name)\")")
            departmentGroupIds[department.name] = id
            securityGroupIds.append(id)
        }
        var byDepartment: [String: [String]] = [:]
        for user in members {
            if let department = userDepartments[user] { byDepartment[department, default: []].append(user) }
        }
        for (department, users) in byDepartment.sorted(by: { $0.key < $1.key }) {
            if let group = departmentGroupIds[department] { directory.memberships.add(group, targets: users) }
        }

        let exclusion = addGroup("CA Exclusions", description: "Accounts excluded from conditional access",
                                 kind: .security)
        conditionalAccessExclusionGroupId = exclusion
        if let breakGlass = breakGlassUserId { directory.memberships.add(exclusion, breakGlass) }
        securityGroupIds.append(exclusion)

        for name in ["Tier 0 Administrators", "Helpdesk Operators"] {
            let id = addGroup(name, description: "Role-assignable group for \(name.lowercased())", kind: .roleAssignable)
            roleAssignableGroupIds.append(id)
            securityGroupIds.append(id)
            for user in pickUsers(name.hasPrefix("Tier") ? 2 : 4, from: members) {
                directory.memberships.add(id, user)
            }
        }

        let all = members + guestUserIds
        var created = 0
        var index = 0
        while created < profile.groupCount {
            index += 1
            // The first few are Microsoft 365 groups, so every tenant has some.
            let roll = index <= 3 ? 0 : random.unit()
            let word = random.pick(NameData.projectWords)
            let size: Int
            let sizeRoll = random.unit()
            if sizeRoll < 0.7 {
                size = random.int(in: 3...25)
            } else if sizeRoll < 0.96 {
                size = random.int(in: 25...200)
            } else {
                size = random.int(in: 200...max(201, min(3_000, members.count / 5)))
            }
            let id: String
            if roll < 0.45 {
                id = addGroup("\(word) Team \(index)", description: "Collaboration space for the \(word) team",
                              kind: .unified)
                unifiedGroupIds.append(id)
                for owner in pickUsers(random.int(in: 1...2), from: members) {
                    directory.owners.add(id, owner)
                }
                // Microsoft 365 groups often include guests.
                directory.memberships.add(id, targets: pickUsers(size, from: random.chance(0.3) ? all : members))
            } else if roll < 0.9 {
                let purpose = random.pick(["App Access", "License", "File Share", "VPN Users", "Project", "Printers"])
                id = addGroup("SG-\(purpose.replacingOccurrences(of: " ", with: ""))-\(word)-\(index)",
                              description: "\(purpose) security group", kind: .security,
                              synced: profile.isHybrid && random.chance(0.3))
                securityGroupIds.append(id)
                if random.chance(0.5) {
                    for owner in pickUsers(1, from: members) { directory.owners.add(id, owner) }
                }
                directory.memberships.add(id, targets: pickUsers(size, from: members))
            } else if roll < 0.95 {
                id = addGroup("\(word) Mail-Enabled Security \(index)", description: "Mail-enabled security group",
                              kind: .mailEnabledSecurity)
                securityGroupIds.append(id)
                directory.memberships.add(id, targets: pickUsers(size, from: members))
            } else {
                id = addGroup("DL \(word) \(index)", description: "Distribution list", kind: .distribution)
                directory.memberships.add(id, targets: pickUsers(size, from: members))
            }
            created += 1
        }

        // Nesting: about one security group in twenty contains another group.
        let nestable = securityGroupIds.filter { $0 != allUsers && !departmentGroupIds.values.contains($0) }
        if nestable.count > 4 {
            for _ in 0..<max(1, nestable.count / 20) {
                let parent = random.pick(nestable)
                let child = random.pick(nestable)
                if parent != child, !directory.memberships.contains(child, parent) {
                    directory.memberships.add(parent, child)
                }
            }
        }

        // Group-specific guest setting on a few Microsoft 365 groups.
        for group in unifiedGroupIds.prefix(2) {
            directory.insert(.groupSetting, [
                "id": .string(newId()),
                "displayName": "Group.Unified.Guest",
                "templateId": .string(WellKnown.groupUnifiedGuestTemplateId),
                "values": [["name": "AllowToAddGuests", "value": "false"]],
            ], parent: group)
        }
    }
}
