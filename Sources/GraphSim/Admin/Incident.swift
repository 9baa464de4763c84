/// Something that happens to a tenant outside any client's control: an attacker, a bad script, a
/// mistake. Applied through the admin API, recorded in the directory audit log with its actor.
public enum Incident: Sendable, Equatable {
    /// Soft-deletes users (to deleted items), chosen at random or by id.
    case deleteUsers(count: Int, ids: [String] = [])
    /// Deletes users and purges them from deleted items (a hard delete).
    case hardDeleteUsers(count: Int, ids: [String] = [])
    /// Deletes groups: Microsoft 365 groups go to deleted items, security groups are gone for good.
    case deleteGroups(count: Int, ids: [String] = [], kind: GroupSelection = .any)
    /// Deletes applications (and their service principals) to deleted items.
    case deleteApplications(count: Int, ids: [String] = [])
    /// Sets `property` to `value` on objects of `type` (users by default).
    case changeAttribute(type: String = "user", count: Int, ids: [String] = [], property: String, value: JSONValue)
    /// Soft-deletes conditional access policies.
    case deleteConditionalAccessPolicies(count: Int, ids: [String] = [])
    /// Weakens conditional access policies: switches them to report-only, drops `mfa` and
    /// `compliantDevice` from their grant controls, and excludes all users of `excludedUserIds`.
    case weakenConditionalAccessPolicies(count: Int, ids: [String] = [], excludedUserIds: [String] = [])
    /// Removes directory role assignments (tenant-wide or unit-scoped), optionally of one role.
    case removeRoleAssignments(count: Int, ids: [String] = [], roleDefinitionId: String? = nil)
    /// Removes PIM role eligibilities (dormant admins), optionally of one role.
    case removeRoleEligibilities(count: Int, ids: [String] = [], roleDefinitionId: String? = nil)
    /// Removes members from a group.
    case removeGroupMembers(groupId: String, count: Int)
    /// Adds random member users to a group.
    case addGroupMembers(groupId: String, count: Int)
    /// Creates new users.
    case createUsers(count: Int)
    /// Purges deleted items (all of them, or of the given types).
    case purgeDeletedItems(types: [String] = [])

    public enum GroupSelection: String, Sendable {
        case any, security, unified
    }
}

/// What an incident did.
public struct IncidentResult: Sendable, Equatable {
    /// Ids of the objects affected.
    public var affectedIds: [String]
    public var description: String

    var json: JSONObject {
        ["affectedIds": .strings(affectedIds), "description": .string(description)]
    }
}

extension Incident {
    /// Parses the admin API's JSON form: `{"kind": "deleteUsers", "count": 10, …}`.
    init(json: JSONObject) throws {
        let kind = json["kind"]?.stringValue ?? ""
        let count = json["count"]?.intValue ?? 1
        let ids = json["ids"]?.stringArray ?? []
        switch kind {
        case "deleteUsers": self = .deleteUsers(count: count, ids: ids)
        case "hardDeleteUsers": self = .hardDeleteUsers(count: count, ids: ids)
        case "deleteGroups":
            self = .deleteGroups(count: count, ids: ids,
                                 kind: json["groupKind"]?.stringValue.flatMap(GroupSelection.init(rawValue:)) ?? .any)
        case "deleteApplications": self = .deleteApplications(count: count, ids: ids)
        case "changeAttribute":
            guard let property = json["property"]?.stringValue else {
                throw SimulatorError(.invalidArgument, "changeAttribute needs 'property'")
            }
            self = .changeAttribute(type: json["type"]?.stringValue ?? "user", count: count, ids: ids, property: property,
                                    value: json["value"] ?? .null)
        case "deleteConditionalAccessPolicies": self = .deleteConditionalAccessPolicies(count: count, ids: ids)
        case "weakenConditionalAccessPolicies":
            self = .weakenConditionalAccessPolicies(count: count, ids: ids,
                                                    excludedUserIds: json["excludedUserIds"]?.stringArray ?? [])
        case "removeRoleAssignments":
            self = .removeRoleAssignments(count: count, ids: ids, roleDefinitionId: json["roleDefinitionId"]?.stringValue)
        case "removeRoleEligibilities":
            self = .removeRoleEligibilities(count: count, ids: ids, roleDefinitionId: json["roleDefinitionId"]?.stringValue)
        case "removeGroupMembers":
            guard let group = json["groupId"]?.stringValue else { throw SimulatorError(.invalidArgument, "removeGroupMembers needs 'groupId'") }
            self = .removeGroupMembers(groupId: group, count: count)
        case "addGroupMembers":
            guard let group = json["groupId"]?.stringValue else { throw SimulatorError(.invalidArgument, "addGroupMembers needs 'groupId'") }
            self = .addGroupMembers(groupId: group, count: count)
        case "createUsers": self = .createUsers(count: count)
        case "purgeDeletedItems": self = .purgeDeletedItems(types: json["types"]?.stringArray ?? [])
        default:
            throw SimulatorError(.invalidArgument, "unknown incident kind '\(kind)'")
        }
    }
}
