public import Foundation
public import Hummingbird
import NIOCore

/// A JSON request body: its allowed fields, decoding, and checks beyond types.
public protocol APIRequestBody: Decodable, Sendable {
    /// Every field the body may have: anything else is refused, so a misspelt field is never
    /// silently ignored.
    static var fields: Set<String> { get }
    /// Checks beyond the JSON types (ranges, formats, combinations); throws ``APIError`` with a
    /// message naming the field.
    func validate() throws
}

extension APIRequestBody {
    public func validate() throws {}
}

extension Request {
    /// Reads and checks a JSON body: media type (415), size (413), JSON object (400), known
    /// fields, types and required fields (400), then the body's own `validate()`.
    public func decodeBody<Body: APIRequestBody>(_ type: Body.Type, context: APIRequestContext) async throws -> Body {
        if let contentType = headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, "send the body as application/json (got \(contentType))")
        }
        let limit = context.maxBodyBytes
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(.bodyTooLarge, "the body has \(length) bytes; at most \(limit) are accepted")
        }
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch {
            throw APIError(.bodyTooLarge, "the body is larger than \(limit) bytes", underlying: error)
        }
        let data = Data(buffer.readableBytesView)
        guard !data.isEmpty else { throw APIError(.invalidJSON, "the request needs a JSON object body") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw APIError(.invalidJSON, "the body is not a JSON object")
        }
        let unknown = Set(object.keys).subtracting(Body.fields).sorted()
        if !unknown.isEmpty {
            throw APIError(.invalidRequest, "unknown field\(unknown.count > 1 ? "s" : "") \(unknown.map { "'\($0)'" }.joined(separator: ", ")); allowed: \(Body.fields.sorted().joined(separator: ", "))")
        }
        try Self.refuseNullsAndNUL(object, path: "")
        let body: Body
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .custom { decoder in
                let text = try decoder.singleValueContainer().decode(String.self)
                guard let date = APITime.parse(text) else {
                    throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "an ISO 8601 time"))
                }
                return date
            }
            body = try decoder.decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw APIError(.invalidRequest, Self.message(for: error), underlying: error)
        }
        try body.validate()
        return body
    }

    /// No request field is nullable (docs/openapi.yaml): a `null` is refused rather than read as
    /// "left out", and no string may hold a NUL, which PostgreSQL cannot store.
    private static func refuseNullsAndNUL(_ value: Any, path: String) throws {
        switch value {
        case is NSNull:
            throw APIError(.invalidRequest, "field '\(path)' must not be null; leave it out instead")
        case let text as String where text.unicodeScalars.contains("\u{0}"):
            throw APIError(.invalidRequest, "field '\(path)' contains a NUL character")
        case let object as [String: Any]:
            for (key, element) in object { try refuseNullsAndNUL(element, path: path.isEmpty ? key : "\(path).\(key)") }
        case let array as [Any]:
            for (index, element) in array.enumerated() { try refuseNullsAndNUL(element, path: "\(path)[\(index)]") }
        default:
            break
        }
    }

    private static func message(for error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)' is required"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "field '\(path(context.codingPath))' must be \(Self.describe(type))"
        case .dataCorrupted(let context):
            return "field '\(path(context.codingPath))' is not valid: expected \(context.debugDescription)"
        @unknown default:
            return "the body does not match the expected fields"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "a whole number"
        case is Bool.Type: "true or false"
        case is Double.Type: "a number"
        default: "of the documented type"
        }
    }
}

/// Checks shared by request bodies.
public enum Validate {
    public static func uuid(_ text: String, field: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else { throw APIError(.invalidRequest, "field '\(field)' must be a UUID (got '\(text)')") }
        return id
    }

    /// Text with at least one character that is not white space (`NonBlankText` in
    /// docs/openapi.yaml), at most `maxLength` characters counted as JSON Schema counts them
    /// (code points, not grapheme clusters).
    public static func nonEmpty(_ text: String, field: String, maxLength: Int = 200) throws {
        guard text.unicodeScalars.contains(where: { !blank.contains($0) }) else { throw APIError(.invalidRequest, "field '\(field)' must not be empty") }
        try self.maxLength(text, maxLength, field: field)
    }

    public static func maxLength(_ text: String, _ maxLength: Int, field: String) throws {
        guard text.unicodeScalars.count <= maxLength else { throw APIError(.invalidRequest, "field '\(field)' is longer than \(maxLength) characters") }
    }

    /// White space as Foundation's `whitespacesAndNewlines` has it (Unicode Z*, tab to carriage
    /// return, NEL), spelt out because docs/openapi.yaml states the same class in a pattern.
    static let blank: Set<Unicode.Scalar> = Set(["\u{9}", "\u{A}", "\u{B}", "\u{C}", "\u{D}", " ", "\u{85}", "\u{A0}", "\u{1680}",
                                                "\u{2028}", "\u{2029}", "\u{202F}", "\u{205F}", "\u{3000}"]
                                               + (0x2000...0x200A).map { Unicode.Scalar(UInt32($0))! })

    public static func range(_ value: Int, _ range: ClosedRange<Int>, field: String) throws {
        guard range.contains(value) else {
            throw APIError(.invalidRequest, "field '\(field)' must be from \(range.lowerBound) to \(range.upperBound) (got \(value))")
        }
    }
}

/// Path and query parameters.
extension APIRequestContext {
    public func uuidParameter(_ name: String) throws -> UUID {
        let text = parameters.get(name) ?? ""
        guard let id = UUID(uuidString: text) else { throw APIError(.invalidParameter, "\(name) must be a UUID (got '\(text)')") }
        return id
    }

    public func int64Parameter(_ name: String) throws -> Int64 {
        let text = parameters.get(name) ?? ""
        guard let id = QueryValues.positiveID(text) else { throw APIError(.invalidParameter, "\(name) must be a positive whole number (got '\(text)')") }
        return id
    }
}
