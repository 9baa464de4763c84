public import Foundation

/// An operator's rule: which changes found after a backup raise an alert.
public struct WatchRule: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Any conditional access policy added, removed or changed.
        case caPolicyChanged
        /// A conditional access policy that was enabled is not any more (disabled, report-only, removed).
        case caPolicyDisabled
        /// A new assignment of a privileged role (Global, Privileged Role Administrator by default;
        /// `options.roles` lists role definition ids).
        case privilegedRoleAssigned
        /// An application or service principal given new key or password credentials, or a new
        /// federated identity credential.
        case appCredentialsAdded
        /// An application's required permissions changed, or a new app role assignment or delegated grant.
        case appPermissionsAdded
        /// Any change of `options.type`, optionally only of `options.properties` (comma-separated).
        case objectChanged
    }

    public var id: UUID
    public var name: String
    /// Nil: every tenant.
    public var tenantID: UUID?
    public var kind: Kind
    public var options: [String: String]

    public init(id: UUID = UUID(), name: String, tenantID: UUID? = nil, kind: Kind, options: [String: String] = [:]) {
        self.id = id
        self.name = name
        self.tenantID = tenantID
        self.kind = kind
        self.options = options
    }

    static let defaultPrivilegedRoles: Set<String> = ["62e90394-69f5-4237-9190-012177145e10", "e8611ab8-c189-46e8-94e1-60213ab1f814"]

    /// The changes of `changes` this rule is about.
    public func matches(_ changes: [ObjectChange]) -> [ObjectChange] {
        changes.filter { change in
            switch self.kind {
            case .caPolicyChanged:
                return change.type == "conditionalAccessPolicy"
            case .caPolicyDisabled:
                guard change.type == "conditionalAccessPolicy" else { return false }
                if change.kind == .removed { return true }
                return change.attributes.contains { $0.path == "state" && $0.before == .string("enabled") }
            case .privilegedRoleAssigned:
                let roles = self.options["roles"].map { Set($0.lowercased().split(separator: ",").map(String.init)) }
                    ?? Self.defaultPrivilegedRoles
                return change.type == "roleAssignment" && change.kind == .added
                    && roles.contains(change.roleDefinitionID?.lowercased() ?? "")
            case .appCredentialsAdded:
                if change.type == "application.federatedIdentityCredentials" && change.kind == .added { return true }
                guard change.type == "application" || change.type == "servicePrincipal", change.kind == .changed else { return false }
                return change.attributes.contains { attribute in
                    (attribute.path == "keyCredentials" || attribute.path == "passwordCredentials")
                        && (attribute.after?.arrayValue?.count ?? 0) > 0
                        && !(attribute.after?.arrayValue ?? []).allSatisfy { (attribute.before?.arrayValue ?? []).contains($0) }
                }
            case .appPermissionsAdded:
                if change.type == "servicePrincipal.appRoleAssignedTo" || change.type == "oAuth2PermissionGrant" {
                    return change.kind == .added || change.attributes.contains { $0.path == "scope" }
                }
                return change.type == "application" && change.attributes.contains { $0.path.hasPrefix("requiredResourceAccess") }
            case .objectChanged:
                guard change.type == self.options["type"] else { return false }
                guard let properties = self.options["properties"] else { return true }
                let names = Set(properties.split(separator: ",").map(String.init))
                return change.kind != .changed || change.attributes.contains { names.contains(String($0.path.split(separator: ".")[0])) }
            }
        }
    }
}

extension ObjectChange {
    /// Carried for role assignment additions, so rules can judge which role was granted.
    var roleDefinitionID: String? { self.details["roleDefinitionId"] }
}
