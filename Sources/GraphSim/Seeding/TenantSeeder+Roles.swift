import Foundation

extension TenantSeeder {
    mutating func seedDevices() {
        guard profile.deviceCount > 0 else { return }
        let weights = NameData.deviceModels.map(\.weight)
        let total = weights.reduce(0, +)
        for index in 0..<profile.deviceCount {
            var roll = random.below(total)
            var model = NameData.deviceModels[0]
            for candidate in NameData.deviceModels {
                if roll < candidate.weight {
                    model = candidate
                    break
                }
                roll -= candidate.weight
            }
            let id = newId()
            let deviceId = newId()
            let isWindows = model.os == "Windows"
            let trust = isWindows ? (profile.isHybrid && random.chance(0.5) ? "ServerAd" : "AzureAd") : "Workplace"
            let managed = random.chance(0.85)
            let registered = pastTimestamp()
            var object = JSONObject()
            object.append("id", .string(id))
            object.append("deletedDateTime", .null)
            object.append("accountEnabled", .bool(!random.chance(0.02)))
            object.append("alternativeSecurityIds", [[
                "type": 2,
                "identityProvider": .null,
                "key": .string(Data((0..<20).map { _ in UInt8(truncatingIfNeeded: random.next()) }).base64EncodedString()),
            ]])
            object.append("approximateLastSignInDateTime", .string(timestamp(daysAgo: random.unit() * 60)))
            object.append("complianceExpirationDateTime", .null)
            object.append("deviceCategory", .null)
            object.append("deviceId", .string(deviceId))
            object.append("deviceMetadata", .null)
            object.append("deviceOwnership", .string(isWindows ? "Company" : (random.chance(0.5) ? "Personal" : "Company")))
            object.append("deviceVersion", 2)
            object.append("displayName", .string(isWindows ? "DESKTOP-\(random.string(7, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))"
                                                          : "\(model.model) \(index)"))
            object.append("enrollmentProfileName", .null)
            object.append("enrollmentType", managed ? .string(isWindows ? "AzureDomainJoined" : "UserEnrollment") : .null)
            object.append("extensionAttributes", extensionAttributeValues(nil))
            object.append("isCompliant", managed ? .bool(random.chance(0.9)) : .null)
            object.append("isManaged", .bool(managed))
            object.append("isManagementRestricted", .null)
            object.append("isRooted", false)
            object.append("managementType", managed ? "MDM" : .null)
            object.append("manufacturer", .string(model.manufacturer))
            object.append("mdmAppId", managed ? "0000000a-0000-0000-c000-000000000000" : .null)
            object.append("model", .string(model.model))
            object.append("onPremisesLastSyncDateTime", trust == "ServerAd" ? .string(timestamp(daysAgo: 0.02)) : .null)
            object.append("onPremisesSecurityIdentifier", trust == "ServerAd" ? .string("S-1-5-21-\(1_000_000_000 + random.below(900_000_000))-\(random.below(100_000))") : .null)
            object.append("onPremisesSyncEnabled", trust == "ServerAd" ? true : .null)
            object.append("operatingSystem", .string(model.os))
            object.append("operatingSystemVersion", .string(model.version))
            object.append("physicalIds", .strings(["[USER-GID]:\(newId())", "[GID]:g:\(random.next() % 10_000_000_000_000)"]))
            object.append("profileType", "RegisteredDevice")
            object.append("registrationDateTime", .string(registered))
            object.append("systemLabels", [])
            object.append("trustType", .string(trust))
            directory.insert(.device, object)
            if let owner = memberUserIds.isEmpty ? nil : memberUserIds[index % memberUserIds.count] {
                directory.registeredOwners.add(id, owner)
            }
        }
    }

    /// Built-in and custom role definitions, tenant-wide and unit-scoped assignments, and the
    /// directory roles activated by them.
    mutating func seedRoles() {
        for template in WellKnown.roleTemplates {
            directory.insert(.unifiedRoleDefinition, [
                "id": .string(template.id),
                "description": .string(template.description),
                "displayName": .string(template.name),
                "isBuiltIn": true,
                "isEnabled": true,
                "resourceScopes": ["/"],
                "templateId": .string(template.id),
                "version": "1",
                "rolePermissions": [[
                    "allowedResourceActions": .strings(Self.actions(for: template.name)),
                    "condition": .null,
                    "excludedResourceActions": [],
                ]],
            ])
            directory.insert(.directoryRoleTemplate, [
                "id": .string(template.id),
                "deletedDateTime": .null,
                "description": .string(template.description),
                "displayName": .string(template.name),
            ])
            roleDefinitionByTemplate[template.id] = template.id
        }
        let customRoles = profile.isEmpty ? 0 : (profile.users >= 1_000 ? 3 : 1)
        for index in 0..<customRoles {
            let id = newId()
            let name = ["Application Registration Manager", "Group Lifecycle Operator", "Device Inventory Reader"][index]
            directory.insert(.unifiedRoleDefinition, [
                "id": .string(id),
                "description": .string("Custom role: \(name.lowercased())"),
                "displayName": .string(name),
                "isBuiltIn": false,
                "isEnabled": true,
                "resourceScopes": ["/"],
                "templateId": .string(id),
                "version": .null,
                "rolePermissions": [[
                    "allowedResourceActions": .strings([
                        ["microsoft.directory/applications/create", "microsoft.directory/applications/basic/update"],
                        ["microsoft.directory/groups/basic/update", "microsoft.directory/groups/members/update"],
                        ["microsoft.directory/devices/standard/read"],
                    ][index]),
                    "condition": .null,
                    "excludedResourceActions": [],
                ]],
            ])
        }

        // Tenant-wide assignments.
        var assignments: [(principal: String, role: String, scope: String)] = []
        if let admin = adminUserId { assignments.append((admin, WellKnown.globalAdministratorTemplate, "/")) }
        if let breakGlass = breakGlassUserId { assignments.append((breakGlass, WellKnown.globalAdministratorTemplate, "/")) }
        if let tier0 = roleAssignableGroupIds.first {
            assignments.append((tier0, "e8611ab8-c189-46e8-94e1-60213ab1f814", "/"))
        }
        if roleAssignableGroupIds.count > 1 {
            assignments.append((roleAssignableGroupIds[1], "729827e3-9c14-49f7-bb1b-9608f156bbb8", "/"))
        }
        let itStaff = memberUserIds.filter { userDepartments[$0] == "IT" }
        let adminRoles = ["fe930be7-5e62-47db-91af-98c3a49a38b1", "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
                          "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", "29232cdf-9323-42fd-ade2-1d097af3e4de",
                          "194ae4cb-b126-40b2-bd5b-6091b380977d", "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
                          "729827e3-9c14-49f7-bb1b-9608f156bbb8", "c4e39bd9-1100-46d3-8c65-fb160da0071f"]
        let adminCount = profile.isEmpty ? 0 : min(itStaff.count, max(2, profile.users / 400))
        for (index, user) in itStaff.prefix(adminCount).enumerated() {
            assignments.append((user, adminRoles[index % adminRoles.count], "/"))
        }
        if let sp = servicePrincipalByAppId[applicationAppIds.first ?? ""] {
            assignments.append((sp, "88d8e3e3-8f55-4a1e-953a-9b9898b8876b", "/"))
        }
        for assignment in assignments {
            addRoleAssignment(principal: assignment.principal, roleDefinition: assignment.role, scope: assignment.scope)
        }
    }

    mutating func addRoleAssignment(principal: String, roleDefinition: String, scope: String) {
        let id = ObjectTemplates.compositeId([roleDefinition, principal]) + (scope == "/" ? "-1" : "-1-" + random.string(4))
        directory.insert(.unifiedRoleAssignment, [
            "id": .string(id),
            "principalId": .string(principal),
            "resourceScope": .string(scope),
            "directoryScopeId": .string(scope),
            "roleDefinitionId": .string(roleDefinition),
        ])
        // Built-in roles with assignments are activated as directoryRoles with the same members.
        guard let template = WellKnown.roleTemplates.first(where: { $0.id == roleDefinition }) else { return }
        let roleId: String
        if let existing = directoryRoleByTemplate[template.id] {
            roleId = existing
        } else {
            roleId = newId()
            directory.insert(.directoryRole, [
                "id": .string(roleId),
                "deletedDateTime": .null,
                "description": .string(template.description),
                "displayName": .string(template.name),
                "roleTemplateId": .string(template.id),
            ])
            directoryRoleByTemplate[template.id] = roleId
        }
        if scope == "/" {
            directory.memberships.add(roleId, principal)
        }
    }

    static func actions(for role: String) -> [String] {
        switch role {
        case "Global Administrator":
            return ["microsoft.directory/*", "microsoft.azure.serviceHealth/allEntities/allTasks",
                    "microsoft.office365.exchange/allEntities/allProperties/allTasks"]
        case "Global Reader":
            return ["microsoft.directory/users/standard/read", "microsoft.directory/groups/standard/read",
                    "microsoft.directory/applications/standard/read", "microsoft.directory/policies/standard/read"]
        case "User Administrator":
            return ["microsoft.directory/users/create", "microsoft.directory/users/delete",
                    "microsoft.directory/users/basic/update", "microsoft.directory/groups/create"]
        case "Conditional Access Administrator":
            return ["microsoft.directory/conditionalAccessPolicies/create",
                    "microsoft.directory/conditionalAccessPolicies/basic/update",
                    "microsoft.directory/namedLocations/create"]
        default:
            let noun = role.lowercased().replacingOccurrences(of: " administrator", with: "")
                .replacingOccurrences(of: " ", with: "")
            return ["microsoft.directory/\(noun)/allProperties/read", "microsoft.directory/\(noun)/basic/update"]
        }
    }

    mutating func seedAdministrativeUnits() {
        guard profile.administrativeUnitCount > 0 else { return }
        let regions = NameData.offices.map(\.city)
        let helpdesk = directoryRoleByTemplate["729827e3-9c14-49f7-bb1b-9608f156bbb8"]
        let itStaff = memberUserIds.filter { userDepartments[$0] == "IT" }
        for index in 0..<profile.administrativeUnitCount {
            let id = newId()
            let region = regions[index % regions.count]
            let name = index < regions.count ? "\(region) Office" : "\(region) Office \(index / regions.count + 1)"
            let restricted = index == 0 && profile.users >= 1_000
            directory.insert(.administrativeUnit, [
                "id": .string(id),
                "deletedDateTime": .null,
                "description": .string("Users and groups managed by the \(region) help desk"),
                "displayName": .string(name),
                "isMemberManagementRestricted": .bool(restricted),
                "membershipRule": .null,
                "membershipRuleProcessingState": .null,
                "membershipType": .null,
                "visibility": .null,
            ])
            administrativeUnitIds.append(id)
            let size = min(memberUserIds.count, random.int(in: 5...max(5, memberUserIds.count / 20)))
            directory.memberships.add(id, targets: pickUsers(size, from: memberUserIds))
            for group in pickUsers(2, from: unifiedGroupIds) { directory.memberships.add(id, group) }

            // A help-desk operator scoped to this unit.
            if let operatorId = itStaff.isEmpty ? memberUserIds.first : itStaff[index % itStaff.count] {
                addRoleAssignment(principal: operatorId, roleDefinition: "729827e3-9c14-49f7-bb1b-9608f156bbb8",
                                  scope: "/administrativeUnits/\(id)")
                let roleId = helpdesk ?? directoryRoleByTemplate["729827e3-9c14-49f7-bb1b-9608f156bbb8"] ?? ""
                directory.insert(.scopedRoleMembership, [
                    "id": .string(ObjectTemplates.compositeId([roleId, operatorId, id])),
                    "administrativeUnitId": .string(id),
                    "roleId": .string(roleId),
                    "roleMemberInfo": [
                        "id": .string(operatorId),
                        "displayName": .string(userDisplayNames[operatorId]),
                        "userPrincipalName": directory.entity(.user, operatorId)?.object["userPrincipalName"] ?? .null,
                    ],
                ], parent: id)
            }
        }
    }
}
