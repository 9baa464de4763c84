/// One-dimensional arrays in PostgreSQL's text array syntax (`{a,"b c",NULL}`).
/// Bind with a cast in the statement (`$1::uuid[]`, `$1::text[]`). Swift arrays of encodable
/// elements bind the same way; `bytea` goes through ``PostgresBytes``.
public struct PostgresArray<Element: Sendable>: Sendable {
    public var elements: [Element]
    public init(_ elements: [Element]) { self.elements = elements }
}

extension PostgresArray: PostgresEncodable where Element: PostgresEncodable {
    public var postgresData: PostgresData {
        var out = "{"
        for (index, element) in elements.enumerated() {
            if index > 0 { out.append(",") }
            switch element.postgresData {
            case .null: out.append("NULL")
            case .text(let text): out.append(PostgresArrayText.quote(text))
            case .bytea(let bytes): out.append(PostgresArrayText.quote("\\x" + PostgresHex.encode(bytes)))
            }
        }
        out.append("}")
        return .text(out)
    }
}

extension PostgresArray: PostgresDecodable where Element: PostgresDecodable {
    public init(postgresText text: String, type: PostgresTypeOID) throws {
        guard let items = PostgresArrayText.parse(text) else {
            throw PostgresError.decodingFailure([Element].self, text: text, type: type)
        }
        var elements: [Element] = []
        elements.reserveCapacity(items.count)
        for item in items {
            guard let item else {
                throw PostgresError(code: .decoding, message: "array of \(Element.self) contains NULL; decode PostgresArray<\(Element.self)?> instead")
            }
            elements.append(try Element(postgresText: item, type: .text))
        }
        self.elements = elements
    }
}

extension Array: PostgresEncodable where Element: PostgresEncodable {
    public var postgresData: PostgresData { PostgresArray(self).postgresData }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    public init(postgresText text: String, type: PostgresTypeOID) throws {
        self = try PostgresArray<Element>(postgresText: text, type: type).elements
    }
}

enum PostgresArrayText {
    static func quote(_ text: String) -> String {
        // Most elements (ids, UUIDs, numbers) need no escaping: a byte scan finds that far faster
        // than walking Characters (a completion binds three arrays per batch). Both bytes are
        // ASCII, so they never occur inside a multi-byte UTF-8 sequence.
        if !text.utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for character in text {
            if character == "\"" || character == "\\" { out.append("\\") }
            out.append(character)
        }
        out.append("\"")
        return out
    }

    /// Parses a one-dimensional text array; `nil` elements are SQL NULLs.
    static func parse(_ text: String) -> [String?]? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "{"), bytes.last == UInt8(ascii: "}") else { return nil }
        var items: [String?] = []
        var index = 1
        let end = bytes.count - 1
        if index == end { return [] }
        while index <= end {
            var item: [UInt8] = []
            var quoted = false
            if bytes[index] == UInt8(ascii: "\"") {
                quoted = true
                index += 1
                while index < end, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") { index += 1 }
                    guard index < end else { return nil }
                    item.append(bytes[index])
                    index += 1
                }
                index += 1 // closing quote
            } else {
                while index < end, bytes[index] != UInt8(ascii: ",") {
                    if bytes[index] == UInt8(ascii: "{") { return nil } // multi-dimensional: unsupported
                    item.append(bytes[index])
                    index += 1
                }
            }
            let value = String(decoding: item, as: UTF8.self)
            items.append(!quoted && value == "NULL" ? nil : value)
            guard index <= end else { break }
            if index == end { break }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
        return items
    }
}
