/// Parses UTF-8 JSON (RFC 8259) into ``JSONValue``, keeping object member order and each number's
/// text.
///
/// Strict: a duplicate member name, invalid UTF-8, a lone surrogate or anything after the value is
/// refused, so a canonical form of what was read always exists and says the same thing. Strings
/// without escapes (nearly all of Graph's) are copied in one go.
public enum JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack; Graph objects nest a few
    /// levels.
    public static let maximumDepth = 256

    public typealias Error = JSONError

    public static func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONError) in
            try parse(buffer)
        }
    }

    public static func parse(_ string: String) throws(JSONError) -> JSONValue {
        try parse(Array(string.utf8))
    }

    public static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(JSONError) -> JSONValue {
        var parser = Cursor(bytes: buffer)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.offset == buffer.count else {
            throw JSONError(.syntax, offset: parser.offset, reason: "unexpected data after the value")
        }
        return value
    }

    struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        mutating func skipWhitespace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x0A, 0x0D, 0x09: offset += 1
                default: return
                }
            }
        }

        func fail(_ reason: String, _ code: JSONError.Code = .syntax) -> JSONError {
            JSONError(code, offset: offset, reason: reason)
        }

        mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
            guard offset < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                return .object(try parseObject(depth: depth + 1))
            case UInt8(ascii: "["):
                return try parseArray(depth: depth + 1)
            case UInt8(ascii: "\""):
                return .string(try parseString())
            case UInt8(ascii: "t"):
                try expectLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expectLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expectLiteral("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return .number(try parseNumber())
            default:
                throw fail("unexpected character")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
            let count = literal.utf8CodeUnitCount
            guard offset + count <= bytes.count else { throw fail("unexpected end of input") }
            let start = literal.utf8Start
            for index in 0..<count where bytes[offset + index] != start[index] {
                throw fail("invalid literal")
            }
            offset += count
        }

        mutating func parseObject(depth: Int) throws(JSONError) -> JSONObject {
            guard depth <= JSONParser.maximumDepth else { throw fail("nested deeper than \(JSONParser.maximumDepth)", .tooDeep) }
            offset += 1
            var members: [JSONObject.Member] = []
            // Small objects are checked for a repeated key by a scan; larger ones through a set.
            var seen: Set<String>? = nil
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return JSONObject(members)
            }
            while true {
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                    throw fail("expected a member name")
                }
                let keyOffset = offset
                let key = try parseString()
                if members.count < 16 {
                    for member in members where member.key == key {
                        throw JSONError(.duplicateKey, offset: keyOffset, reason: "duplicate member '\(key)'")
                    }
                } else {
                    if seen == nil { seen = Set(members.map(\.key)) }
                    guard seen!.insert(key).inserted else {
                        throw JSONError(.duplicateKey, offset: keyOffset, reason: "duplicate member '\(key)'")
                    }
                }
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
                    throw fail("expected ':'")
                }
                offset += 1
                skipWhitespace()
                let value = try parseValue(depth: depth)
                members.append(JSONObject.Member(key: key, value: value))
                skipWhitespace()
                guard offset < bytes.count else { throw fail("unexpected end of input") }
                if bytes[offset] == UInt8(ascii: ",") {
                    offset += 1
                    continue
                }
                if bytes[offset] == UInt8(ascii: "}") {
                    offset += 1
                    return JSONObject(members)
                }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
            guard depth <= JSONParser.maximumDepth else { throw fail("nested deeper than \(JSONParser.maximumDepth)", .tooDeep) }
            offset += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth))
                skipWhitespace()
                guard offset < bytes.count else { throw fail("unexpected end of input") }
                if bytes[offset] == UInt8(ascii: ",") {
                    offset += 1
                    continue
                }
                if bytes[offset] == UInt8(ascii: "]") {
                    offset += 1
                    return .array(items)
                }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func parseString() throws(JSONError) -> String {
            offset += 1
            let start = offset
            // Fast path: no escapes. ASCII needs no validation; anything else is validated, so
            // invalid UTF-8 is refused rather than silently replaced.
            var bits: UInt8 = 0
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    let run = UnsafeBufferPointer(rebasing: bytes[start..<offset])
                    let string: String
                    if bits < 0x80 {
                        string = String(decoding: run, as: UTF8.self)
                    } else {
                        guard let valid = String(validating: run, as: UTF8.self) else {
                            throw fail("invalid UTF-8 in string", .invalidUTF8)
                        }
                        string = valid
                    }
                    offset += 1
                    return string
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw fail("control character in string") }
                bits |= byte
                offset += 1
            }
            var scalars: [UInt8] = Array(UnsafeBufferPointer(rebasing: bytes[start..<offset]))
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    offset += 1
                    guard let string = String(validating: scalars, as: UTF8.self) else {
                        throw fail("invalid UTF-8 in string", .invalidUTF8)
                    }
                    return string
                }
                if byte < 0x20 { throw fail("control character in string") }
                if byte != UInt8(ascii: "\\") {
                    scalars.append(byte)
                    offset += 1
                    continue
                }
                offset += 1
                guard offset < bytes.count else { throw fail("unexpected end of input") }
                let escape = bytes[offset]
                offset += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                              bytes[offset + 1] == UInt8(ascii: "u") else {
                            throw fail("unpaired surrogate")
                        }
                        offset += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("unpaired surrogate") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(code) {
                        throw fail("unpaired surrogate")
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw fail("invalid code point") }
                    scalars.append(contentsOf: String(Character(scalar)).utf8)
                default:
                    throw fail("invalid escape")
                }
            }
            throw fail("unterminated string")
        }

        mutating func parseHex4() throws(JSONError) -> UInt32 {
            guard offset + 4 <= bytes.count else { throw fail("unexpected end of input") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[offset]
                let digit: UInt32
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
                default: throw fail("invalid hex digit")
                }
                value = value << 4 | digit
                offset += 1
            }
            return value
        }

        /// A number's text, checked against the grammar; its value is not computed here.
        mutating func parseNumber() throws(JSONError) -> JSONNumber {
            let start = offset
            if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) else {
                throw fail("invalid number")
            }
            if bytes[offset] == UInt8(ascii: "0") {
                offset += 1
            } else {
                while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
                offset += 1
                let digitsStart = offset
                while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
                guard offset > digitsStart else { throw fail("invalid number") }
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E") {
                offset += 1
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
                let digitsStart = offset
                while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) { offset += 1 }
                guard offset > digitsStart else { throw fail("invalid number") }
            }
            return JSONNumber(validated: String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self))
        }
    }
}
