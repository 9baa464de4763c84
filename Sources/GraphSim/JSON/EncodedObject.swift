import NIOConcurrencyHelpers

/// The ordered member names shared by every object with the same layout.
///
/// Objects of one type almost always have the same members in the same order, so a `$select`
/// is resolved to member positions once per shape per request instead of once per object.
public final class ObjectShape: Sendable {
    public let keys: [String]
    let positions: [String: Int]
    /// A starting buffer size for an object of this shape.
    var typicalSize: Int { keys.count * 48 }

    init(keys: [String]) {
        self.keys = keys
        var positions: [String: Int] = [:]
        positions.reserveCapacity(keys.count)
        for (index, key) in keys.enumerated() where positions[key] == nil {
            positions[key] = index
        }
        self.positions = positions
    }

    func position(of key: String) -> Int? { positions[key] }

    /// Whether `object` has exactly these keys in this order.
    func matches(_ object: JSONObject) -> Bool {
        guard keys.count == object.count else { return false }
        for (index, member) in object.members.enumerated() where member.key != keys[index] {
            return false
        }
        return true
    }
}

/// Interns shapes so objects with the same layout share one ``ObjectShape``.
final class ShapeTable: Sendable {
    static let shared = ShapeTable()

    private let shapes = NIOLockedValueBox<[[String]: ObjectShape]>([:])

    func shape(for keys: [String]) -> ObjectShape {
        shapes.withLockedValue { shapes in
            if let shape = shapes[keys] { return shape }
            let shape = ObjectShape(keys: keys)
            shapes[keys] = shape
            return shape
        }
    }
}

/// An immutable JSON object together with its serialized bytes, split per member.
///
/// `bytes` holds `"k1":v1,"k2":v2,…,` (every member followed by a comma), so the whole object is
/// one copy and any projection is a copy per selected member. Built once when the object is
/// written; reads never serialize a stored object again.
public final class EncodedObject: Sendable {
    public let object: JSONObject
    public let shape: ObjectShape
    let bytes: [UInt8]
    /// `offsets[i]..<offsets[i+1]-1` is member i without its trailing comma.
    let offsets: [Int32]

    public convenience init(_ object: JSONObject, shape: ObjectShape? = nil) {
        self.init(object, shape: shape, fragments: nil)
    }

    /// `fragments` holds the serialized form of subtrees many objects share (license plans,
    /// empty attribute sets), so they are copied rather than written again.
    init(_ object: JSONObject, shape: ObjectShape?, fragments: FragmentCache?) {
        self.object = object
        if let shape, shape.matches(object) {
            self.shape = shape
        } else {
            self.shape = ShapeTable.shared.shape(for: object.keys)
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(self.shape.typicalSize)
        var offsets: [Int32] = []
        offsets.reserveCapacity(object.count + 1)
        for member in object.members {
            offsets.append(Int32(bytes.count))
            JSONWriter.writeString(member.key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            if let fragments, let shared = fragments.bytes(for: member.value) {
                bytes.append(contentsOf: shared)
            } else {
                JSONWriter.write(member.value, into: &bytes)
            }
            bytes.append(UInt8(ascii: ","))
        }
        offsets.append(Int32(bytes.count))
        self.bytes = bytes
        self.offsets = offsets
    }

    public subscript(key: String) -> JSONValue? { object[key] }

    /// Whether the object has no members at all.
    var isEmpty: Bool { offsets.count <= 1 }

    /// Appends every member, comma separated, without braces.
    func appendAllMembers(into out: inout [UInt8]) {
        guard bytes.count > 1 else { return }
        bytes.withUnsafeBufferPointer { buffer in
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[0..<(buffer.count - 1)]))
        }
    }

    /// Appends member `position` as `"key":value`, without a comma.
    @inline(__always)
    func appendMember(at position: Int, into out: inout [UInt8]) {
        let start = Int(offsets[position])
        let end = Int(offsets[position + 1]) - 1
        bytes.withUnsafeBufferPointer { buffer in
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[start..<end]))
        }
    }
}

/// Serialized forms of JSON subtrees shared by many objects, keyed by the identity of their
/// storage. The cache retains each subtree, so its storage cannot be freed and reused by another
/// value while the key is in the cache: an identical address means the very same immutable value.
final class FragmentCache: Sendable {
    private let entries: [Int: (value: JSONValue, bytes: [UInt8])]

    init(_ values: [JSONValue]) {
        var entries: [Int: (value: JSONValue, bytes: [UInt8])] = [:]
        for value in values {
            if let key = Self.identity(of: value) {
                entries[key] = (value, JSONWriter.serialize(value))
            }
        }
        self.entries = entries
    }

    var isEmpty: Bool { entries.isEmpty }

    static func identity(of value: JSONValue) -> Int? {
        switch value {
        case .array(let items) where !items.isEmpty:
            return items.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        case .object(let object) where !object.isEmpty:
            return object.members.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) }
        default:
            return nil
        }
    }

    func bytes(for value: JSONValue) -> [UInt8]? {
        guard let key = Self.identity(of: value), let entry = entries[key] else { return nil }
        return entry.bytes
    }
}
