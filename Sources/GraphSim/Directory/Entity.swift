/// A stored object: its JSON, the directory version that last changed it, and its serialized
/// bytes once a read has needed them (encoding is deferred so seeding a large tenant does not
/// pay for serializing objects that may never be read).
struct Entity: Sendable {
    let id: String
    private(set) var object: JSONObject
    var version: UInt64
    private(set) var cachedEncoding: EncodedObject?

    init(id: String, object: JSONObject, version: UInt64) {
        self.id = id
        self.object = object
        self.version = version
        self.cachedEncoding = nil
    }

    /// The serialized form, from the cache when a read already built it.
    var encoded: EncodedObject {
        cachedEncoding ?? EncodedObject(object)
    }

    /// Builds and keeps the serialized form (called under the tenant lock).
    mutating func encode(shapeHint: ObjectShape?, fragments: FragmentCache? = nil) -> EncodedObject {
        if let cachedEncoding { return cachedEncoding }
        let encoded = EncodedObject(object, shape: shapeHint, fragments: fragments)
        cachedEncoding = encoded
        return encoded
    }
}

/// Where a collection lives: a type, and for child collections (a user's authentication methods,
/// an application's federated credentials) the parent's id.
struct CollectionKey: Hashable, Sendable {
    let type: String
    let parent: String?

    init(_ type: ResourceType, parent: String? = nil) {
        self.type = type.name
        self.parent = parent.map(OrderedIndex<Entity>.key)
    }
}

/// Who made a change, as the directory audit log records it.
public enum Actor: Sendable, Equatable {
    case application(appId: String, displayName: String, servicePrincipalId: String?)
    case user(id: String, displayName: String, userPrincipalName: String)
    /// graph-sim's own admin API (incidents, seeding tools).
    case administrator(String)
}

/// The documented tenant size classes of the identity throttling limits.
public enum TenantSizeClass: String, Sendable, Codable {
    /// Fewer than 50 users.
    case small = "S"
    /// 50 to 500 users.
    case medium = "M"
    /// More than 500 users.
    case large = "L"

    public init(userCount: Int) {
        if userCount < 50 {
            self = .small
        } else if userCount <= 500 {
            self = .medium
        } else {
            self = .large
        }
    }
}
