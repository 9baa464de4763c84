/// A property of a backed-up object that holds another object's identifier, so a restore that
/// recreates the target under a new id can rewrite the reference.
public struct ObjectReference: Sendable, Hashable, CustomStringConvertible {
    /// Which identifier of the target the property holds.
    public enum Key: Sendable, Hashable {
        /// The directory object id.
        case id
        /// An application's `appId` (shared by its service principal).
        case appId
        /// A role definition's `templateId` (directory roles carry `roleTemplateId`).
        case templateId
        /// A subscribed SKU's `skuId`.
        case skuId
        /// A directory scope path, `/` or `/administrativeUnits/{id}`.
        case directoryScope
        /// An id every tenant gives the same object (authentication contexts are `c1`…`c99`).
        case fixedId
        /// A Graph query path whose second segment is the id (`/users/{id}`, `/groups/{id}/transitiveMembers`).
        case queryPath
    }

    /// Dot-separated path into the object; `[]` steps into every element of an array
    /// (`conditions.users.includeGroups[]`, `assignedLicenses[].skuId`).
    public let path: String
    /// Entry names the identifier may point at (several for polymorphic references).
    public let targets: [String]
    public let key: Key
    /// Values that are keywords rather than identifiers (`All`, `GuestsOrExternalUsers`) and are
    /// kept as they are.
    public let keywords: Set<String>

    public init(_ path: String, to targets: [String], key: Key = .id, keywords: Set<String> = []) {
        self.path = path
        self.targets = targets
        self.key = key
        self.keywords = keywords
    }

    public var description: String { "\(self.path) → \(self.targets.joined(separator: "|"))" }
}
