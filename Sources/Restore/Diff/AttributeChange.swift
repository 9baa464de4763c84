import Foundation
public import JSON
public import Vault

/// One attribute that differs: a JSON path (`conditions.users.excludeUsers`), its values on each
/// side, and for arrays of plain values the elements added and removed.
public struct AttributeChange: Sendable, Hashable, Codable {
    public var path: String
    public var before: CanonicalJSON?
    public var after: CanonicalJSON?
    public var added: [CanonicalJSON]?
    public var removed: [CanonicalJSON]?

    public init(path: String, before: CanonicalJSON?, after: CanonicalJSON?) {
        self.path = path
        self.before = before
        self.after = after
        if case .array(let old)? = before, case .array(let new)? = after,
           (old + new).allSatisfy({ $0.objectValue == nil && $0.arrayValue == nil }) {
            self.added = new.filter { !old.contains($0) }
            self.removed = old.filter { !new.contains($0) }
        }
    }

    /// The attribute-level differences between two objects, recursing into nested objects; null
    /// and absent are the same, and `ignoring` names top-level properties not compared.
    public static func between(_ before: CanonicalJSON?, _ after: CanonicalJSON?, ignoring: Set<String> = []) -> [AttributeChange] {
        var changes: [AttributeChange] = []
        Self.compare(before, after, path: "", ignoring: ignoring, into: &changes)
        return changes
    }

    private static func compare(_ before: CanonicalJSON?, _ after: CanonicalJSON?, path: String, ignoring: Set<String>,
                                into changes: inout [AttributeChange]) {
        let old = before == .null ? nil : before
        let new = after == .null ? nil : after
        if old == new { return }
        if let oldObject = old?.objectValue ?? (old == nil ? [:] : nil),
           let newObject = new?.objectValue ?? (new == nil ? [:] : nil), !(old == nil && new == nil) {
            if old == nil || new == nil, !path.isEmpty {
                changes.append(AttributeChange(path: path, before: old, after: new))
                return
            }
            for key in Set(oldObject.keys).union(newObject.keys).sorted() {
                if path.isEmpty && ignoring.contains(key) { continue }
                compare(oldObject[key], newObject[key], path: path.isEmpty ? key : path + "." + key, ignoring: [], into: &changes)
            }
            return
        }
        if case .array(let a)? = old, case .array(let b)? = new, Set(a) == Set(b) { return }
        changes.append(AttributeChange(path: path, before: old, after: new))
    }
}

extension AttributeChange {
    enum CodingKeys: String, CodingKey { case path, before, after, added, removed }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.path = try container.decode(String.self, forKey: .path)
        self.before = try container.decodeIfPresent(JSONBox.self, forKey: .before)?.value
        self.after = try container.decodeIfPresent(JSONBox.self, forKey: .after)?.value
        self.added = try container.decodeIfPresent([JSONBox].self, forKey: .added)?.map(\.value)
        self.removed = try container.decodeIfPresent([JSONBox].self, forKey: .removed)?.map(\.value)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.path, forKey: .path)
        try container.encode(JSONBox(self.before ?? .null), forKey: .before)
        try container.encode(JSONBox(self.after ?? .null), forKey: .after)
        try container.encodeIfPresent(self.added?.map(JSONBox.init), forKey: .added)
        try container.encodeIfPresent(self.removed?.map(JSONBox.init), forKey: .removed)
    }
}

/// Codable form of a ``CanonicalJSON`` value, for JSON output (numbers as JSON numbers).
struct JSONBox: Codable, Sendable {
    var value: CanonicalJSON

    init(_ value: CanonicalJSON) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self.value = .null
        } else if let bool = try? container.decode(Bool.self) {
            self.value = .bool(bool)
        } else if let int = try? container.decode(Int64.self) {
            self.value = .number(JSONNumber(String(int))!)
        } else if let double = try? container.decode(Double.self) {
            self.value = .double(double)
        } else if let string = try? container.decode(String.self) {
            self.value = .string(string)
        } else if let array = try? container.decode([JSONBox].self) {
            self.value = .array(array.map(\.value))
        } else {
            self.value = .object(JSONObject(try container.decode([String: JSONBox].self).mapValues(\.value)))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self.value {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let number):
            // Decimal keeps up to 38 significant digits exactly; JSONEncoder writes it as a number.
            if let int = Int64(number.text) {
                try container.encode(int)
            } else if let decimal = Decimal(string: number.text, locale: Locale(identifier: "en_US_POSIX")) {
                try container.encode(decimal)
            } else {
                try container.encode(number.text)
            }
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values.map(JSONBox.init))
        case .object(let members):
            try container.encode(Dictionary(members.map { ($0.key, JSONBox($0.value)) }, uniquingKeysWith: { first, _ in first }))
        }
    }
}
