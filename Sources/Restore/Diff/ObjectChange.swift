public import Foundation

/// One object (or relationship) that differs between two points.
public struct ObjectChange: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case added, removed, changed
    }

    /// Who changed it, from the tenant's directory audit log.
    public struct Actor: Sendable, Hashable, Codable {
        /// A user's principal name or an application's display name.
        public var name: String
        public var activity: String
        public var at: Date

        public init(name: String, activity: String, at: Date) {
            self.name = name
            self.activity = activity
            self.at = at
        }
    }

    /// Catalogue entry name (`user`, `group.members`).
    public var type: String
    /// The vault key: an object id, or `parent/child` for relationships.
    public var key: String
    public var kind: Kind
    /// Whether the type is a relationship (a member, an owner) rather than an object.
    public var isRelationship: Bool
    /// A name to show (displayName, userPrincipalName), from whichever side has one.
    public var displayName: String?
    /// Attribute-level differences (changed objects only).
    public var attributes: [AttributeChange]
    /// For added and removed objects: what they connect (`principalId`, `roleDefinitionId`, …).
    public var details: [String: String]
    public var actors: [Actor]

    public init(type: String, key: String, kind: Kind, isRelationship: Bool, displayName: String?,
                attributes: [AttributeChange] = [], details: [String: String] = [:], actors: [Actor] = []) {
        self.type = type
        self.key = key
        self.kind = kind
        self.isRelationship = isRelationship
        self.displayName = displayName
        self.attributes = attributes
        self.details = details
        self.actors = actors
    }

    /// The ids a change is about: the object's, or for a relationship the parent's and the target's.
    public var objectIDs: [String] { self.key.split(separator: "/").map(String.init) }
}

/// Every change between two points of one tenant.
public struct ChangeSet: Sendable, Hashable, Codable {
    public enum Point: Sendable, Hashable, Codable, CustomStringConvertible {
        case snapshot(Int64)
        case live

        public var description: String {
            switch self {
            case .snapshot(let id): return "snapshot \(id)"
            case .live: return "live"
            }
        }
    }

    public var tenantID: UUID
    public var from: Point
    public var to: Point
    public var changes: [ObjectChange]

    public init(tenantID: UUID, from: Point, to: Point, changes: [ObjectChange]) {
        self.tenantID = tenantID
        self.from = from
        self.to = to
        self.changes = changes
    }

    public var isEmpty: Bool { self.changes.isEmpty }
}
