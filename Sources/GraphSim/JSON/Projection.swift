/// Which members of stored objects a response carries: a `$select` list, a type's default
/// property set, or everything.
///
/// Selected members are copied from each object's pre-serialized bytes; member positions are
/// resolved once per ``ObjectShape``. A selected property the object does not have is written as
/// `null`, as Graph does for properties that were never set.
struct Projection {
    /// nil writes every member.
    let keys: [String]?
    private let nullMembers: [[UInt8]]
    private var positionsByShape: [ObjectIdentifier: [Int]] = [:]

    static let all = Projection(keys: nil)

    /// Selected properties Graph answers with `{}` when they were never set (or the caller may
    /// not read them): a user's custom security attributes.
    static let emptyObjectWhenUnset: Set<String> = ["customSecurityAttributes"]
    /// Selected keys written as unset whatever the object holds.
    private var masked: Set<String> = []

    init(keys: [String]?) {
        self.keys = keys
        self.nullMembers = (keys ?? []).map { key in
            var bytes: [UInt8] = []
            JSONWriter.writeString(key, into: &bytes)
            bytes.append(contentsOf: Array((Self.emptyObjectWhenUnset.contains(key) ? ":{}" : ":null").utf8))
            return bytes
        }
    }

    /// The same projection, writing `keys` as unset (values the caller has no permission to read).
    func masking(_ keys: Set<String>) -> Projection {
        var copy = self
        copy.masked = keys
        copy.positionsByShape = [:]
        return copy
    }

    private mutating func positions(for shape: ObjectShape) -> [Int] {
        let identifier = ObjectIdentifier(shape)
        if let cached = positionsByShape[identifier] { return cached }
        let positions = (keys ?? []).map { masked.contains($0) ? -1 : shape.position(of: $0) ?? -1 }
        positionsByShape[identifier] = positions
        return positions
    }

    /// Writes `{leading, selected members…, trailing}`. `leading` and `trailing` are
    /// pre-serialized members (`"k":v`), without commas.
    mutating func write(
        _ object: EncodedObject,
        leading: [UInt8]? = nil,
        trailing: [UInt8]? = nil,
        into out: inout [UInt8]
    ) {
        out.append(UInt8(ascii: "{"))
        var wroteAny = false
        if let leading, !leading.isEmpty {
            out.append(contentsOf: leading)
            wroteAny = true
        }
        if keys == nil, let hidden = Self.emptyObjectWhenUnset.lazy.compactMap({ object.shape.position(of: $0) }).first {
            // Returned only when selected: every member but that one.
            for position in object.shape.keys.indices where position != hidden {
                if wroteAny { out.append(UInt8(ascii: ",")) }
                object.appendMember(at: position, into: &out)
                wroteAny = true
            }
        } else if keys == nil {
            if !object.isEmpty {
                if wroteAny { out.append(UInt8(ascii: ",")) }
                object.appendAllMembers(into: &out)
                wroteAny = true
            }
        } else {
            let positions = positions(for: object.shape)
            for (index, position) in positions.enumerated() {
                if wroteAny { out.append(UInt8(ascii: ",")) }
                if position >= 0 {
                    object.appendMember(at: position, into: &out)
                } else {
                    out.append(contentsOf: nullMembers[index])
                }
                wroteAny = true
            }
        }
        if let trailing, !trailing.isEmpty {
            if wroteAny { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: trailing)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// The projected object as a tree (for `$batch` bodies and slow paths).
    func apply(to object: JSONObject) -> JSONObject {
        guard let keys else { return object.filter(keys: { !Self.emptyObjectWhenUnset.contains($0) }) }
        var result = JSONObject()
        for key in keys {
            let unset: JSONValue = Self.emptyObjectWhenUnset.contains(key) ? .object([:]) : .null
            result.append(key, masked.contains(key) ? unset : object[key] ?? unset)
        }
        return result
    }
}
