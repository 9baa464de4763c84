import Foundation

/// A JSON value as Graph returns it: objects are read without a fixed schema, because a backup
/// stores whatever properties the service sends.
public enum GraphJSON: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([GraphJSON])
    case object([String: GraphJSON])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([GraphJSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: GraphJSON].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public static func decode(_ bytes: [UInt8]) throws -> GraphJSON {
        try JSONDecoder().decode(GraphJSON.self, from: Data(bytes))
    }

    public func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(self))
    }

    public subscript(key: String) -> GraphJSON? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int? {
        if case .number(let value) = self, value.rounded() == value, abs(value) < 9e15 { return Int(value) }
        return nil
    }

    public var arrayValue: [GraphJSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    public var objectValue: [String: GraphJSON]? {
        if case .object(let value) = self { return value }
        return nil
    }
}
