public import Foundation

/// A parameter value as it is sent to the server: text format, or binary for `bytea`.
public enum PostgresData: Sendable, Hashable {
    case null
    /// Text representation; the server infers the type from the statement.
    case text(String)
    /// Raw bytes sent in binary format as `bytea`.
    case bytea([UInt8])
}

/// A Swift value that can be bound as a query parameter.
public protocol PostgresEncodable: Sendable {
    var postgresData: PostgresData { get }
}

/// A Swift value that can be decoded from a column's text representation.
public protocol PostgresDecodable: Sendable {
    /// `text` is the column's value in PostgreSQL's text output format; `type` is the column's type OID.
    init(postgresText text: String, type: PostgresTypeOID) throws
}

/// Type OIDs of the built-in types Holdfast decodes (`pg_type.oid`).
public struct PostgresTypeOID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let bool = Self(rawValue: 16)
    public static let bytea = Self(rawValue: 17)
    public static let int8 = Self(rawValue: 20)
    public static let int2 = Self(rawValue: 21)
    public static let int4 = Self(rawValue: 23)
    public static let text = Self(rawValue: 25)
    public static let oid = Self(rawValue: 26)
    public static let json = Self(rawValue: 114)
    public static let float4 = Self(rawValue: 700)
    public static let float8 = Self(rawValue: 701)
    public static let varchar = Self(rawValue: 1043)
    public static let timestamp = Self(rawValue: 1114)
    public static let timestamptz = Self(rawValue: 1184)
    public static let interval = Self(rawValue: 1186)
    public static let numeric = Self(rawValue: 1700)
    public static let uuid = Self(rawValue: 2950)
    public static let jsonb = Self(rawValue: 3802)

    public var description: String { "oid \(rawValue)" }
}

// MARK: - Scalars

extension String: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(self) }
    public init(postgresText text: String, type: PostgresTypeOID) throws { self = text }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(self ? "t" : "f") }
    public init(postgresText text: String, type: PostgresTypeOID) throws {
        switch text {
        case "t", "true": self = true
        case "f", "false": self = false
        default: throw PostgresError.decodingFailure(Bool.self, text: text, type: type)
        }
    }
}

extension PostgresEncodable where Self: FixedWidthInteger {
    public var postgresData: PostgresData { .text(String(self)) }
}

extension PostgresDecodable where Self: FixedWidthInteger {
    public init(postgresText text: String, type: PostgresTypeOID) throws {
        guard let value = Self(text) else { throw PostgresError.decodingFailure(Self.self, text: text, type: type) }
        self = value
    }
}

extension Int: PostgresEncodable, PostgresDecodable {}
extension Int64: PostgresEncodable, PostgresDecodable {}
extension Int32: PostgresEncodable, PostgresDecodable {}
extension Int16: PostgresEncodable, PostgresDecodable {}

extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData {
        if isNaN { return .text("NaN") }
        if isInfinite { return .text(self > 0 ? "Infinity" : "-Infinity") }
        return .text(String(self))
    }
    public init(postgresText text: String, type: PostgresTypeOID) throws {
        switch text {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(text) else { throw PostgresError.decodingFailure(Double.self, text: text, type: type) }
            self = value
        }
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(uuidString.lowercased()) }
    public init(postgresText text: String, type: PostgresTypeOID) throws {
        guard let value = UUID(uuidString: text) else { throw PostgresError.decodingFailure(UUID.self, text: text, type: type) }
        self = value
    }
}

extension Date: PostgresEncodable, PostgresDecodable {
    public var postgresData: PostgresData { .text(PostgresTimestamp.format(self)) }
    public init(postgresText text: String, type: PostgresTypeOID) throws {
        guard let value = PostgresTimestamp.parse(text) else {
            throw PostgresError.decodingFailure(Date.self, text: text, type: type)
        }
        self = value
    }
}

/// `bytea`: sent in binary, received in hex text form (`\x…`).
public struct PostgresBytes: PostgresEncodable, PostgresDecodable, Hashable {
    public var bytes: [UInt8]
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public var postgresData: PostgresData { .bytea(bytes) }
    public init(postgresText text: String, type: PostgresTypeOID) throws {
        guard let bytes = PostgresHex.decodeBytea(text) else {
            throw PostgresError.decodingFailure([UInt8].self, text: "<\(text.utf8.count) bytes>", type: type)
        }
        self.bytes = bytes
    }
}

extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public var postgresData: PostgresData {
        switch self {
        case .none: return .null
        case .some(let value): return value.postgresData
        }
    }
}

extension PostgresError {
    static func decodingFailure(_ type: Any.Type, text: String, type oid: PostgresTypeOID, column: String? = nil) -> PostgresError {
        let shown = text.count > 64 ? String(text.prefix(64)) + "…" : text
        return PostgresError(code: .decoding, message: "cannot decode \(oid) value '\(shown)' as \(type)", column: column)
    }
}
