import Foundation

/// One tenant's directory: every object by type, relationships in both directions, soft-deleted
/// items, the change log that delta rounds read, and the audit log.
///
/// A value type mutated only under its tenant's lock (``SimulatedTenant``); every mutation bumps
/// `version`, so a delta token is just a version number.
struct TenantDirectory: Sendable {
    let tenantId: String
    var initialDomain: String
    var displayName: String
    var random: DeterministicRandom
    private(set) var version: UInt64 = 0

    private(set) var collections: [CollectionKey: OrderedIndex<Entity>] = [:]
    /// Live directory objects: id → type.
    private(set) var directoryObjectTypes: [String: ResourceType] = [:]
    /// Soft-deleted objects per type (users, Microsoft 365 groups, applications, service
    /// principals, administrative units, conditional access policies, named locations).
    var deleted: [String: OrderedIndex<Entity>] = [:]
    /// Soft-deleted id → type.
    private(set) var deletedTypes: [String: ResourceType] = [:]

    var memberships = EdgeSet()
    var owners = EdgeSet()
    var managers = EdgeSet()
    var registeredOwners = EdgeSet()
    var policyAssignments = EdgeSet()
    var appRoleAssignmentsByPrincipal = EdgeSet()
    var appRoleAssignmentsByResource = EdgeSet()

    var changeLogs: [String: ChangeLog] = [:]
    /// Delta tokens issued before the current epoch get 410 Gone (forced resync).
    var resyncEpochs: [String: Int] = [:]
    /// Public keys of key credentials, served only with `$select=keyCredentials`.
    var keyCredentialKeys: [String: String] = [:]
    /// Soonest time a soft-deleted item reaches its 30 days.
    private(set) var nextPurgeDue: Date?
    /// Types of directory objects deleted for good, for `@odata.type` in `members@delta`.
    var formerTypes: [String: ResourceType] = [:]
    /// Change lists of delta rounds in progress, so each page costs the page, not the round.
    var deltaRounds: [String: [DeltaChange]] = [:]
    /// The last shape seen per type, so objects of a type share one without hashing their keys.
    private var shapeHints: [String: ObjectShape] = [:]
    /// Serialized subtrees the seeder shared between many objects.
    var fragments: FragmentCache?

    static let deletedItemRetention: TimeInterval = 30 * 86_400

    init(tenantId: String, initialDomain: String, displayName: String, random: DeterministicRandom) {
        self.tenantId = tenantId
        self.initialDomain = initialDomain
        self.displayName = displayName
        self.random = random
    }

    mutating func nextVersion() -> UInt64 {
        version += 1
        return version
    }

    /// Moves the version forward (never back), as after loading a saved tenant.
    mutating func advanceVersion(to value: UInt64) {
        version = max(version, value)
    }

    mutating func newId() -> String {
        random.uuid()
    }

    // MARK: Reading

    func collection(_ type: ResourceType, parent: String? = nil) -> OrderedIndex<Entity> {
        collections[CollectionKey(type, parent: parent)] ?? OrderedIndex()
    }

    func entity(_ type: ResourceType, _ id: String, parent: String? = nil) -> Entity? {
        collections[CollectionKey(type, parent: parent)]?[id]
    }

    /// The live directory object with `id`, whatever its type.
    func directoryObject(_ id: String) -> (type: ResourceType, entity: Entity)? {
        guard let type = directoryObjectTypes[OrderedIndex<Entity>.key(id)],
              let entity = collections[CollectionKey(type)]?[id] else { return nil }
        return (type, entity)
    }

    func isLive(_ id: String) -> Bool {
        directoryObjectTypes[OrderedIndex<Entity>.key(id)] != nil
    }

    func type(ofLive id: String) -> ResourceType? {
        directoryObjectTypes[OrderedIndex<Entity>.key(id)]
    }

    /// The type of a directory object, live, soft-deleted or deleted for good.
    func anyType(of id: String) -> ResourceType? {
        let key = OrderedIndex<Entity>.key(id)
        return directoryObjectTypes[key] ?? deletedTypes[key] ?? formerTypes[key]
    }

    func deletedEntity(_ id: String) -> (type: ResourceType, entity: Entity)? {
        guard let type = deletedTypes[OrderedIndex<Entity>.key(id)],
              let entity = deleted[type.name]?[id] else { return nil }
        return (type, entity)
    }

    func deletedCollection(_ type: ResourceType) -> OrderedIndex<Entity> {
        deleted[type.name] ?? OrderedIndex()
    }

    func changeLog(_ type: ResourceType) -> ChangeLog {
        changeLogs[type.name] ?? ChangeLog()
    }

    var userCount: Int { collections[CollectionKey(.user)]?.count ?? 0 }

    var sizeClass: TenantSizeClass { TenantSizeClass(userCount: userCount) }

    // MARK: Serialized forms

    /// The serialized form of a live object, built once and kept until the object changes.
    mutating func encoded(_ type: ResourceType, _ entity: Entity, parent: String? = nil) -> EncodedObject {
        if let cached = entity.cachedEncoding { return cached }
        let hint = shapeHints[type.name]
        let encoded = collections[CollectionKey(type, parent: parent)]?.materialize(entity.id) { $0.encode(shapeHint: hint, fragments: fragments) }
            ?? EncodedObject(entity.object, shape: hint)
        shapeHints[type.name] = encoded.shape
        return encoded
    }

    /// A page of live objects of `type` after keyset position `after`, serialized (and cached)
    /// in place.
    mutating func pageEncoded(
        _ type: ResourceType,
        parent: String?,
        after: UInt64,
        limit: Int,
        where include: ((Entity) -> Bool)?
    ) -> (items: [EncodedObject], resumeAfter: UInt64?) {
        let key = CollectionKey(type, parent: parent)
        guard collections[key] != nil else { return ([], nil) }
        let hint = shapeHints[type.name]
        let page = collections[key]!.pageMaterializing(after: after, limit: limit, where: include) { $0.encode(shapeHint: hint, fragments: fragments) }
        if let first = page.items.first { shapeHints[type.name] = first.shape }
        return page
    }

    /// The serialized form of a soft-deleted object.
    mutating func encodedDeleted(_ type: ResourceType, _ entity: Entity) -> EncodedObject {
        if let cached = entity.cachedEncoding { return cached }
        let hint = shapeHints[type.name]
        return deleted[type.name]?.materialize(entity.id) { $0.encode(shapeHint: hint, fragments: fragments) } ?? EncodedObject(entity.object, shape: hint)
    }

    /// A live directory object's type and serialized form.
    mutating func encodedDirectoryObject(_ id: String) -> (type: ResourceType, encoded: EncodedObject)? {
        guard let (type, entity) = directoryObject(id) else { return nil }
        return (type, encoded(type, entity))
    }

    // MARK: Writing objects

    /// Stores a new object; its id is `object["id"]` (or `key` for objects keyed otherwise).
    @discardableResult
    mutating func insert(
        _ type: ResourceType,
        _ object: JSONObject,
        parent: String? = nil,
        key: String? = nil
    ) -> Entity {
        let id = key ?? object["id"]?.stringValue ?? ""
        let version = nextVersion()
        let entity = Entity(id: id, object: object, version: version)
        collections[CollectionKey(type, parent: parent), default: OrderedIndex()].upsert(id, entity)
        if type.isDirectoryObject && parent == nil {
            directoryObjectTypes[OrderedIndex<Entity>.key(id)] = type
        }
        recordChange(type, id: id, version: version)
        return entity
    }

    /// Replaces an object's JSON; returns nil when it does not exist.
    @discardableResult
    mutating func replace(_ type: ResourceType, _ id: String, with object: JSONObject, parent: String? = nil) -> Entity? {
        let key = CollectionKey(type, parent: parent)
        guard let existing = collections[key]?[id] else { return nil }
        let version = nextVersion()
        let entity = Entity(id: existing.id, object: object, version: version)
        collections[key]?.upsert(existing.id, entity)
        recordChange(type, id: existing.id, version: version)
        return entity
    }

    /// Applies `changes` to an object's JSON.
    @discardableResult
    mutating func update(
        _ type: ResourceType,
        _ id: String,
        parent: String? = nil,
        _ changes: (inout JSONObject) -> Void
    ) -> Entity? {
        guard let existing = entity(type, id, parent: parent) else { return nil }
        var object = existing.object
        changes(&object)
        return replace(type, id, with: object, parent: parent)
    }

    /// Marks an object changed without touching its JSON (its relationships changed).
    mutating func touch(_ type: ResourceType, _ id: String) {
        guard let existing = entity(type, id) else { return }
        let version = nextVersion()
        collections[CollectionKey(type)]?.update(existing.id) { $0.version = version }
        recordChange(type, id: existing.id, version: version)
    }

    /// Removes an object for good, with its relationships and child collections.
    @discardableResult
    mutating func remove(_ type: ResourceType, _ id: String, parent: String? = nil) -> Entity? {
        guard let removed = collections[CollectionKey(type, parent: parent)]?.remove(id) else { return nil }
        if type.isDirectoryObject && parent == nil {
            directoryObjectTypes[OrderedIndex<Entity>.key(id)] = nil
            formerTypes[OrderedIndex<Entity>.key(id)] = type
            dropRelationships(of: removed.id)
            dropChildren(of: removed.id)
        }
        if type == .appRoleAssignment {
            appRoleAssignmentsByPrincipal.removeAll(touching: removed.id)
            appRoleAssignmentsByResource.removeAll(touching: removed.id)
        }
        recordChange(type, id: removed.id, version: nextVersion())
        return removed
    }

    // MARK: Deleted items

    /// Moves a live object to deleted items with `deletedDateTime` set; relationships are kept for
    /// a restore but stop being visible.
    @discardableResult
    mutating func softDelete(_ type: ResourceType, _ id: String, at date: Date) -> Entity? {
        guard let live = collections[CollectionKey(type)]?.remove(id) else { return nil }
        directoryObjectTypes[OrderedIndex<Entity>.key(id)] = nil
        var object = live.object
        object["deletedDateTime"] = .string(Timestamp.format(date))
        let version = nextVersion()
        let entity = Entity(id: live.id, object: object, version: version)
        deleted[type.name, default: OrderedIndex()].upsert(live.id, entity)
        deletedTypes[OrderedIndex<Entity>.key(live.id)] = type
        recordChange(type, id: live.id, version: version)
        recordMembershipChanges(of: live.id, version: version)
        let due = date.addingTimeInterval(Self.deletedItemRetention)
        if nextPurgeDue.map({ due < $0 }) ?? true { nextPurgeDue = due }
        return entity
    }

    /// Brings a soft-deleted object back with the same id.
    @discardableResult
    mutating func restore(_ id: String) -> (type: ResourceType, entity: Entity)? {
        let key = OrderedIndex<Entity>.key(id)
        guard let type = deletedTypes.removeValue(forKey: key),
              let stored = deleted[type.name]?.remove(id) else { return nil }
        var object = stored.object
        object["deletedDateTime"] = .null
        let version = nextVersion()
        let entity = Entity(id: stored.id, object: object, version: version)
        collections[CollectionKey(type), default: OrderedIndex()].upsert(stored.id, entity)
        if type.isDirectoryObject {
            directoryObjectTypes[key] = type
        }
        recordChange(type, id: stored.id, version: version)
        recordMembershipChanges(of: stored.id, version: version)
        return (type, entity)
    }

    /// Deletes a soft-deleted object for good.
    @discardableResult
    mutating func purge(_ id: String) -> (type: ResourceType, entity: Entity)? {
        let key = OrderedIndex<Entity>.key(id)
        guard let type = deletedTypes.removeValue(forKey: key),
              let stored = deleted[type.name]?.remove(id) else { return nil }
        if type.isDirectoryObject {
            formerTypes[key] = type
            dropRelationships(of: stored.id)
            dropChildren(of: stored.id)
        }
        recordChange(type, id: stored.id, version: nextVersion())
        return (type, stored)
    }

    /// Purges every deleted item older than 30 days at `now`; returns how many went.
    @discardableResult
    mutating func purgeExpired(now: Date) -> Int {
        guard let due = nextPurgeDue, due <= now else { return 0 }
        var expired: [String] = []
        var soonest: Date?
        for (_, items) in deleted {
            for entity in items.elements {
                guard let text = entity.object["deletedDateTime"]?.stringValue,
                      let deletedAt = Timestamp.parse(text) else { continue }
                let itemDue = deletedAt.addingTimeInterval(Self.deletedItemRetention)
                if itemDue <= now {
                    expired.append(entity.id)
                } else if soonest.map({ itemDue < $0 }) ?? true {
                    soonest = itemDue
                }
            }
        }
        for id in expired { purge(id) }
        nextPurgeDue = soonest
        return expired.count
    }

    // MARK: Relationships

    private mutating func dropRelationships(of id: String) {
        for (container, member) in memberships.removeAll(touching: id) {
            if let containerType = directoryObjectTypes[container] ?? deletedTypes[container],
               containerType.hasDelta, container != OrderedIndex<Entity>.key(id) {
                recordMembership(containerType, container: container, member: member, version: nextVersion())
            }
        }
        owners.removeAll(touching: id)
        managers.removeAll(touching: id)
        registeredOwners.removeAll(touching: id)
        policyAssignments.removeAll(touching: id)
        var assignmentIds = appRoleAssignmentsByPrincipal.targets(of: id).elements
        assignmentIds += appRoleAssignmentsByResource.targets(of: id).elements
        for assignmentId in Set(assignmentIds) {
            remove(.appRoleAssignment, assignmentId)
        }
        // Delegated grants whose client, resource or principal is gone go too.
        let grants = collection(.oAuth2PermissionGrant).all { entity in
            let object = entity.object
            return [object["clientId"], object["resourceId"], object["principalId"]]
                .contains { $0?.stringValue.map(OrderedIndex<Entity>.key) == OrderedIndex<Entity>.key(id) }
        }
        for grant in grants {
            remove(.oAuth2PermissionGrant, grant.id)
        }
    }

    private mutating func dropChildren(of id: String) {
        for type in [ResourceType.authenticationMethod, .federatedIdentityCredential, .extensionProperty,
                     .groupSetting, .scopedRoleMembership, .synchronizationJob] {
            let key = CollectionKey(type, parent: id)
            if type == .synchronizationJob, let jobs = collections[key] {
                for job in jobs.elements {
                    collections[CollectionKey(.synchronizationSchema, parent: "\(id)/\(job.id)")] = nil
                }
            }
            collections[key] = nil
        }
    }

    /// Records that `container`'s membership of `member` changed, for `members@delta`.
    mutating func recordMembership(_ containerType: ResourceType, container: String, member: String, version: UInt64) {
        guard containerType.hasDelta else { return }
        changeLogs[containerType.name, default: ChangeLog()].append(version: version, id: container, member: member)
    }

    /// A member was deleted or restored: every container it belongs to reports the change.
    private mutating func recordMembershipChanges(of member: String, version: UInt64) {
        for container in memberships.sources(of: member) {
            if let containerType = directoryObjectTypes[container] {
                recordMembership(containerType, container: container, member: OrderedIndex<Entity>.key(member), version: version)
            }
        }
    }

    private mutating func recordChange(_ type: ResourceType, id: String, version: UInt64) {
        guard type.hasDelta else { return }
        changeLogs[type.name, default: ChangeLog()].append(version: version, id: id)
    }

    /// Adds `member` to a group, administrative unit or directory role.
    @discardableResult
    mutating func addMember(_ member: String, to container: String) -> Bool {
        guard memberships.add(container, member) else { return false }
        if let containerType = type(ofLive: container) {
            recordMembership(containerType, container: OrderedIndex<Entity>.key(container),
                             member: OrderedIndex<Entity>.key(member), version: nextVersion())
        }
        return true
    }

    @discardableResult
    mutating func removeMember(_ member: String, from container: String) -> Bool {
        guard memberships.remove(container, member) else { return false }
        if let containerType = type(ofLive: container) {
            recordMembership(containerType, container: OrderedIndex<Entity>.key(container),
                             member: OrderedIndex<Entity>.key(member), version: nextVersion())
        }
        return true
    }

    /// Sets or clears a user's manager (a change delta reports on the user).
    mutating func setManager(_ manager: String?, of user: String) {
        for existing in managers.targets(of: user).elements {
            managers.remove(user, existing)
        }
        if let manager {
            managers.add(user, manager)
        }
        touch(.user, user)
    }

    func manager(of user: String) -> String? {
        managers.targets(of: user).elements.first
    }

    /// Live members of a container, in the order they were added.
    func liveMembers(of container: String) -> [String] {
        memberships.targets(of: container).all { isLive($0) }
    }

    /// Transitive members (members of nested groups), each once.
    func transitiveMembers(of container: String) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        var queue = [OrderedIndex<Entity>.key(container)]
        seen.insert(queue[0])
        while let next = queue.popLast() {
            for member in memberships.targets(of: next).elements where isLive(member) {
                guard seen.insert(member).inserted else { continue }
                result.append(member)
                if type(ofLive: member) == .group {
                    queue.append(member)
                }
            }
        }
        return result
    }

    /// Groups, administrative units and roles `member` belongs to, directly or through nesting.
    func transitiveMemberOf(_ member: String) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        var queue = [OrderedIndex<Entity>.key(member)]
        while let next = queue.popLast() {
            for container in memberships.sources(of: next) where isLive(container) {
                guard seen.insert(container).inserted else { continue }
                result.append(container)
                if type(ofLive: container) == .group {
                    queue.append(container)
                }
            }
        }
        return result
    }

    // MARK: Forced resync

    mutating func forceResync(_ types: [ResourceType]) {
        for type in types {
            resyncEpochs[type.name, default: 0] += 1
        }
    }

    func resyncEpoch(_ type: ResourceType) -> Int {
        resyncEpochs[type.name] ?? 0
    }
}
