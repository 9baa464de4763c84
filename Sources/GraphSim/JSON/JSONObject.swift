/// A JSON object that keeps its members in insertion order.
///
/// Graph objects have a few dozen members at most, so a linear scan beats hashing here and keeps
/// the order stable for serialization.
public struct JSONObject: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
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

    public init(_ members: [Member]) {
        self.members = members
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.members = elements.map { Member(key: $0.0, value: $0.1) }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }
    public var first: Member? { members.first }

    public func makeIterator() -> IndexingIterator<[Member]> {
        members.makeIterator()
    }

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

    /// Equality ignores member order, as JSON's does.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.members.count == rhs.members.count else { return false }
        for (index, member) in lhs.members.enumerated() {
            if index < rhs.members.count, rhs.members[index].key == member.key {
                if rhs.members[index].value != member.value { return false }
            } else if rhs[member.key] != member.value {
                return false
            }
        }
        return true
    }
}
