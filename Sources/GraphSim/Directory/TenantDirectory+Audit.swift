import Foundation

/// One object an audited change touched, as `targetResources` lists it.
public struct AuditTarget: Sendable {
    public var id: String
    public var displayName: String?
    /// `User`, `Group`, `Application`, `ServicePrincipal`, `Policy`, `Role`, `Device`, `Other`.
    public var type: String
    public var userPrincipalName: String?
    /// (property, old JSON value, new JSON value).
    public var modifiedProperties: [(String, JSONValue, JSONValue)]

    public init(
        id: String,
        displayName: String?,
        type: String,
        userPrincipalName: String? = nil,
        modifiedProperties: [(String, JSONValue, JSONValue)] = []
    ) {
        self.id = id
        self.displayName = displayName
        self.type = type
        self.userPrincipalName = userPrincipalName
        self.modifiedProperties = modifiedProperties
    }
}

extension TenantDirectory {
    /// Appends a `directoryAudit` record in the documented shape.
    mutating func audit(
        activity: String,
        category: String,
        operationType: String,
        actor: Actor,
        targets: [AuditTarget],
        at date: Date,
        loggedByService: String = "Core Directory",
        additionalDetails: [(String, String)] = []
    ) {
        let id = "Directory_\(newId())_\(random.string(5, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))"
        let record: JSONObject = [
            "id": .string(id),
            "category": .string(category),
            "correlationId": .string(newId()),
            "result": "success",
            "resultReason": "",
            "activityDisplayName": .string(activity),
            "activityDateTime": .string(Timestamp.formatPrecise(date)),
            "loggedByService": .string(loggedByService),
            "operationType": .string(operationType),
            "initiatedBy": .object(Self.initiatedBy(actor)),
            "targetResources": .array(targets.map { .object(Self.targetResource($0)) }),
            "additionalDetails": .array(additionalDetails.map { .object(["key": .string($0.0), "value": .string($0.1)]) }),
        ]
        insert(.directoryAudit, record)
    }

    static func initiatedBy(_ actor: Actor) -> JSONObject {
        switch actor {
        case .application(let appId, let displayName, let servicePrincipalId):
            return [
                "app": .object([
                    "appId": .string(appId),
                    "displayName": .string(displayName),
                    "servicePrincipalId": .string(servicePrincipalId),
                    "servicePrincipalName": .null,
                ]),
                "user": .null,
            ]
        case .user(let id, let displayName, let userPrincipalName):
            return [
                "app": .null,
                "user": .object([
                    "id": .string(id),
                    "displayName": .string(displayName),
                    "userPrincipalName": .string(userPrincipalName),
                    "ipAddress": "",
                    "userType": "Member",
                ]),
            ]
        case .administrator(let name):
            return [
                "app": .object([
                    "appId": .null,
                    "displayName": .string(name),
                    "servicePrincipalId": .null,
                    "servicePrincipalName": .null,
                ]),
                "user": .null,
            ]
        }
    }

    static func targetResource(_ target: AuditTarget) -> JSONObject {
        [
            "id": .string(target.id),
            "displayName": .string(target.displayName),
            "type": .string(target.type),
            "userPrincipalName": .string(target.userPrincipalName),
            "groupType": .null,
            "modifiedProperties": .array(target.modifiedProperties.map { property, old, new in
                .object([
                    "displayName": .string(property),
                    "oldValue": .string(old.isNull ? "[]" : "[\(old.jsonString)]"),
                    "newValue": .string(new.isNull ? "[]" : "[\(new.jsonString)]"),
                ])
            }),
        ]
    }

    /// Entra logs a change of a user's security info (an authentication method) against the user,
    /// not the method: its audit's target is the user.
    func securityInfoTarget(_ type: ResourceType, parent: String?) -> AuditTarget? {
        guard type == .authenticationMethod, let parent, let user = entity(.user, parent) else { return nil }
        return auditTarget(.user, user)
    }

    /// The service Entra names as the logger of a change to an object of `type`.
    static func auditService(_ type: ResourceType) -> String {
        switch type {
        case .conditionalAccessPolicy, .namedLocation: "Conditional Access"
        case .authenticationMethod: "Authentication Methods"
        case .unifiedRoleManagementPolicyRule, .unifiedRoleEligibilityScheduleRequest, .unifiedRoleAssignmentScheduleRequest: "PIM"
        default: "Core Directory"
        }
    }

    /// The audit target of a change to a stored object: the user for security info, else the object.
    func changeTarget(_ type: ResourceType, _ entity: Entity, parent: String?,
                      modified: [(String, JSONValue, JSONValue)] = []) -> AuditTarget {
        securityInfoTarget(type, parent: parent) ?? auditTarget(type, entity, modified: modified)
    }

    /// The audit target for a stored object.
    func auditTarget(_ type: ResourceType, _ entity: Entity, modified: [(String, JSONValue, JSONValue)] = []) -> AuditTarget {
        let object = entity.object
        let kind: String
        switch type {
        case .user: kind = "User"
        case .group: kind = "Group"
        case .application: kind = "Application"
        case .servicePrincipal: kind = "ServicePrincipal"
        case .device: kind = "Device"
        case .directoryRole, .unifiedRoleDefinition, .unifiedRoleAssignment, .unifiedRoleEligibilitySchedule,
             .unifiedRoleEligibilityScheduleRequest, .unifiedRoleAssignmentScheduleRequest, .unifiedRoleManagementPolicyRule:
            kind = "Role"
        case .conditionalAccessPolicy, .namedLocation, .authorizationPolicy, .authenticationMethodsPolicy,
             .crossTenantAccessPolicy, .claimsMappingPolicy, .tokenLifetimePolicy, .tokenIssuancePolicy,
             .homeRealmDiscoveryPolicy, .activityBasedTimeoutPolicy, .appManagementPolicy, .tenantAppManagementPolicy,
             .authenticationFlowsPolicy, .deviceRegistrationPolicy:
            kind = "Policy"
        default: kind = "Other"
        }
        return AuditTarget(
            id: entity.id,
            displayName: object["displayName"]?.stringValue,
            type: kind,
            userPrincipalName: object["userPrincipalName"]?.stringValue,
            modifiedProperties: modified
        )
    }
}
