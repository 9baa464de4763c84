import Foundation

/// One Entra object type (or one relationship) as Holdfast backs it up and restores it: where Graph
/// lists it, how changes are read, what it needs, what it points at, and how it comes back.
///
/// Entries are data, so adding a type to backups is adding one entry to ``ResourceCatalogue``.
public struct CatalogueEntry: Sendable, Hashable, Identifiable, CustomStringConvertible {
    /// Whether the list path returns a collection or one object.
    public enum Shape: Sendable, Hashable {
        case collection
        case singleton
    }

    /// What an item is: a directory object or setting, or a reference to another object (a member,
    /// an owner) whose only content is the target's id and type.
    public enum Kind: Sendable, Hashable {
        case object
        case relationship
    }

    /// How Entra removes the object.
    public enum SoftDelete: Sendable, Hashable {
        /// Deleted at once.
        case none
        /// Kept 30 days in `/directory/deletedItems`, restorable with its id.
        case directoryDeletedItems
        /// Kept 30 days in `/identity/conditionalAccess/deletedItems/{policies|namedLocations}`.
        case conditionalAccessDeletedItems
    }

    /// How an entry's changes are read after the first full pass.
    public struct Delta: Sendable, Hashable {
        /// The delta function's path (`/users/delta`); `$select` is appended from ``select``.
        public let path: String
        /// Properties to ask for; nil asks for Graph's defaults. May name navigation properties
        /// delta tracks (`manager`, `members`).
        public let select: [String]?
        /// Relationship annotations (`members@delta`) and the relationship entry they feed.
        public let relationships: [String: String]

        public init(path: String, select: [String]? = nil, relationships: [String: String] = [:]) {
            self.path = path
            self.select = select
            self.relationships = relationships
        }
    }

    /// Stable name, used as the object type in the vault (`user`, `group.members`).
    public let name: String
    /// Graph's type for items (`#microsoft.graph.user`); polymorphic collections carry their own.
    public let odataType: String
    public let kind: Kind
    public let shape: Shape
    /// The entry whose items this one hangs from (`group` for `group.members`); nil for
    /// tenant-level entries.
    public let parent: String?
    /// Path below the Graph base URL. `{0}`, `{1}`, … stand for the ids of the parent chain,
    /// outermost first (`/servicePrincipals/{0}/synchronization/jobs/{1}/schema`).
    public let listPath: String
    /// Path of one item, with `{id}` for its id; nil when Graph has no such endpoint.
    public let itemPath: String?
    /// The property that identifies an item among its siblings: `id`, or `tenantId` for
    /// cross-tenant partners, which have no `id`.
    public let key: String
    /// `$select` for list and get; nil reads Graph's default properties, which for this type are all.
    public let select: [String]?
    public let delta: Delta?
    /// Application permissions, any one of which allows reading; least privileged first.
    public let permissions: [String]
    /// Properties holding ids of other objects, which a restore remaps to the new ids.
    public let references: [ObjectReference]
    /// Properties Graph sets itself and rejects on create and update.
    public let readOnly: Set<String>
    /// Properties that can be set only when the object is created.
    public let createOnly: Set<String>
    public let softDelete: SoftDelete
    public let restore: RestoreStrategy
    /// Caveats an operator should know (what cannot be read back, what cannot be restored).
    public let notes: String?
    /// A property without which an item is not stored: Graph lists every user with its custom
    /// security attributes, and only the users that have some are worth keeping. Nil stores all.
    public let storedOnlyWith: String?

    public var id: String { self.name }
    public var description: String { self.name }

    public init(
        name: String, odataType: String, kind: Kind = .object, shape: Shape = .collection, parent: String? = nil,
        listPath: String, itemPath: String? = nil, key: String = "id", select: [String]? = nil, delta: Delta? = nil,
        permissions: [String], references: [ObjectReference] = [], readOnly: Set<String> = ["id"],
        createOnly: Set<String> = [], softDelete: SoftDelete = .none, restore: RestoreStrategy, notes: String? = nil,
        storedOnlyWith: String? = nil
    ) {
        self.name = name
        self.odataType = odataType
        self.kind = kind
        self.shape = shape
        self.parent = parent
        self.listPath = listPath
        self.itemPath = itemPath
        self.key = key
        self.select = select
        self.delta = delta
        self.permissions = permissions
        self.references = references
        self.readOnly = readOnly
        self.createOnly = createOnly
        self.softDelete = softDelete
        self.restore = restore
        self.notes = notes
        self.storedOnlyWith = storedOnlyWith
    }

    public static func == (lhs: CatalogueEntry, rhs: CatalogueEntry) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(self.name) }

    /// How many parent ids ``listPath`` needs.
    public var depth: Int {
        var depth = 0
        while self.listPath.contains("{\(depth)}") { depth += 1 }
        return depth
    }

    /// The list request's path for the given parent ids (outermost first), with `$select`.
    public func listRequestPath(parents: [String] = []) -> String {
        Self.withSelect(Self.substitute(self.listPath, parents), self.select)
    }

    /// The get request's path of one item, or nil when Graph has no item endpoint.
    public func itemRequestPath(id: String, parents: [String] = []) -> String? {
        guard let itemPath else { return nil }
        let path = Self.substitute(itemPath, parents).replacingOccurrences(of: "{id}", with: Self.escapeSegment(id))
        return Self.withSelect(path, self.select)
    }

    /// The first delta request's path (a full enumeration that ends in a delta link).
    public var deltaRequestPath: String? {
        guard let delta else { return nil }
        return Self.withSelect(delta.path, delta.select)
    }

    /// The key an item is stored under: its parents' ids and its own, joined by `/`, so
    /// `group.members` items of different groups never collide. A singleton's own id is omitted.
    public func objectKey(parents: [String], id: String?) -> String {
        (parents + (id.map { [$0] } ?? [])).joined(separator: "/")
    }

    static func substitute(_ template: String, _ parents: [String]) -> String {
        var path = template
        for (index, id) in parents.enumerated() {
            path = path.replacingOccurrences(of: "{\(index)}", with: escapeSegment(id))
        }
        return path
    }

    static func withSelect(_ path: String, _ select: [String]?) -> String {
        guard let select, !select.isEmpty else { return path }
        return path + (path.contains("?") ? "&" : "?") + "$select=" + select.joined(separator: ",")
    }

    /// Ids are GUIDs, domain names or sync job ids; escape what would break a path segment.
    static func escapeSegment(_ id: String) -> String {
        var escaped = ""
        for scalar in id.unicodeScalars {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~", "@", "'", "(", ")", "=", ":":
                escaped.unicodeScalars.append(scalar)
            default:
                for byte in String(scalar).utf8 {
                    escaped += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
                }
            }
        }
        return escaped
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        self.count >= width ? self : String(repeating: "0", count: width - self.count) + self
    }
}
