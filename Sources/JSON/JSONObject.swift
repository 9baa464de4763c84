/// A JSON object that keeps its members in the order they were read or added.
///
/// Graph objects have a few dozen members at most, so a linear scan beats hashing here and keeps
/// the order stable for serialization. Equality and hashing ignore member order, as JSON's
/// meaning does.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSONValue

        public init(key: String, value: JSONValue) {
            self.key = key
            self.value = value
        }
    }

    public private(set) var members: [Member]

    public init() {
        self.members = []
    }

    /// Members in the given order; the caller guarantees the keys are distinct.
    public init(_ members: [Member]) {
        self.members = members
    }

    /// The members of a dictionary, in the order of their keys' UTF-8 bytes (a dictionary has no
    /// order of its own, and this keeps the result the same in every process).
    public init(_ dictionary: [String: JSONValue]) {
        self.members = dictionary
            .sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            .map { Member(key: $0.key, value: $0.value) }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.members = elements.map { Member(key: $0.0, value: $0.1) }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }
    public var values: [JSONValue] { members.map(\.value) }
    public var first: Member? { members.first }

    public struct Iterator: IteratorProtocol {
        var base: IndexingIterator<[Member]>

        public mutating func next() -> (key: String, value: JSONValue)? {
            base.next().map { ($0.key, $0.value) }
        }
    }

    /// Iterates `(key, value)` pairs in member order, as a dictionary's iteration reads.
    public func makeIterator() -> Iterator {
        Iterator(base: members.makeIterator())
    }

    public var underestimatedCount: Int { members.count }

    public func index(of key: String) -> Int? {
        members.firstIndex { $0.key == key }
    }

    public func contains(_ key: String) -> Bool {
        index(of: key) != nil
    }

    /// Reading returns the member's value; writing nil removes the member, writing a value
    /// replaces it in place or appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            for member in members where member.key == key {
                return member.value
            }
            return nil
        }
        set {
            if let index = index(of: key) {
                if let newValue {
                    members[index].value = newValue
                } else {
                    members.remove(at: index)
                }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }

    /// Appends a member without looking for an existing one of the same key; for builders that
    /// know their keys are distinct.
    public mutating func append(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        guard let index = index(of: key) else { return nil }
        return members.remove(at: index).value
    }

    /// Members whose keys satisfy `isIncluded`, in order.
    public func filter(keys isIncluded: (String) -> Bool) -> JSONObject {
        JSONObject(members.filter { isIncluded($0.key) })
    }

    /// The same keys in the same order, each value transformed.
    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        JSONObject(try members.map { Member(key: $0.key, value: try transform($0.value)) })
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (index, member) in lhs.members.enumerated() {
            if rhs.members[index].key == member.key {
                if rhs.members[index].value != member.value { return false }
            } else if rhs[member.key] != member.value {
                return false
            }
        }
        return true
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, to agree with ==: the members' hashes are summed.
        var sum = 0
        for member in members {
            var memberHasher = Hasher()
            memberHasher.combine(member.key)
            memberHasher.combine(member.value)
            sum &+= memberHasher.finalize()
        }
        hasher.combine(members.count)
        hasher.combine(sum)
    }
}
