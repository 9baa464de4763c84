import Foundation

/// A `json`/`jsonb` value holding its raw UTF-8 text. Bind as `PostgresJSON(bytes)` (the statement
/// casts: `$1::jsonb`) and decode either raw or into a `Decodable` type.
public struct PostgresJSON: PostgresEncodable, PostgresDecodable, Hashable {
    public var text: String

    public init(text: String) { self.text = text }

    /// Encodes `value` with sorted keys, so equal values bind equal text.
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            self.text = String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw PostgresError(code: .encoding, message: "cannot encode \(type(of: value)) as JSON: \(error)")
        }
    }

    public var postgresData: PostgresData { .text(text) }

    public init(postgresText text: String, type: PostgresTypeOID) throws { self.text = text }

    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(T.self, from: Data(text.utf8))
        } catch {
            throw PostgresError(code: .decoding, message: "cannot decode JSON as \(T.self): \(error)")
        }
    }
}
