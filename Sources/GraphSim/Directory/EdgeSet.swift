/// A many-to-many relationship kept in both directions (group → members and member → groups).
///
/// The forward side keeps insertion order with sequence numbers for keyset paging (a group can
/// have 100,000 members); the reverse side is a plain list per target, which is short (the groups
/// one user belongs to) and cheap to build for every user of a large tenant.
struct EdgeSet: Sendable {
    private(set) var forward: [String: OrderedIndex<String>] = [:]
    private(set) var reverse: [String: [String]] = [:]

    static let empty = OrderedIndex<String>()

    func targets(of source: String) -> OrderedIndex<String> {
        forward[OrderedIndex<String>.key(source)] ?? Self.empty
    }

    /// Sources pointing at `target`, in the order the edges were added.
    func sources(of target: String) -> [String] {
        reverse[OrderedIndex<String>.key(target)] ?? []
    }

    func contains(_ source: String, _ target: String) -> Bool {
        forward[OrderedIndex<String>.key(source)]?.contains(target) ?? false
    }

    /// Returns false when the edge already existed.
    @discardableResult
    mutating func add(_ source: String, _ target: String) -> Bool {
        let sourceKey = OrderedIndex<String>.key(source)
        let targetKey = OrderedIndex<String>.key(target)
        guard forward[sourceKey, default: OrderedIndex()].insertNew(key: targetKey, targetKey) else { return false }
        reverse[targetKey, default: []].append(sourceKey)
        return true
    }

    /// Adds many targets to one source (seeding a group's members) with one lookup of the source.
    mutating func add(_ source: String, targets: [String]) {
        let sourceKey = OrderedIndex<String>.key(source)
        var index = forward.removeValue(forKey: sourceKey) ?? OrderedIndex()
        index.reserveCapacity(index.count + targets.count)
        for target in targets {
            let targetKey = OrderedIndex<String>.key(target)
            if index.insertNew(key: targetKey, targetKey) {
                reverse[targetKey, default: []].append(sourceKey)
            }
        }
        if !index.isEmpty { forward[sourceKey] = index }
    }

    /// Returns false when there was no such edge.
    @discardableResult
    mutating func remove(_ source: String, _ target: String) -> Bool {
        let sourceKey = OrderedIndex<String>.key(source)
        let targetKey = OrderedIndex<String>.key(target)
        guard forward[sourceKey]?.remove(targetKey) != nil else { return false }
        if forward[sourceKey]?.isEmpty == true { forward[sourceKey] = nil }
        removeReverse(targetKey, sourceKey)
        return true
    }

    private mutating func removeReverse(_ target: String, _ source: String) {
        guard var sources = reverse[target] else { return }
        if let index = sources.firstIndex(of: source) { sources.remove(at: index) }
        reverse[target] = sources.isEmpty ? nil : sources
    }

    /// Removes every edge from or to `id`; returns the removed (source, target) pairs.
    @discardableResult
    mutating func removeAll(touching id: String) -> [(source: String, target: String)] {
        let key = OrderedIndex<String>.key(id)
        var removed: [(String, String)] = []
        if let targets = forward.removeValue(forKey: key) {
            for target in targets.elements {
                removeReverse(target, key)
                removed.append((key, target))
            }
        }
        if let sources = reverse.removeValue(forKey: key) {
            for source in sources {
                forward[source]?.remove(key)
                if forward[source]?.isEmpty == true { forward[source] = nil }
                removed.append((source, key))
            }
        }
        return removed
    }

    var edgeCount: Int { forward.values.reduce(0) { $0 + $1.count } }
}
