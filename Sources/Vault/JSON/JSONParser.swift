/// A strict recursive-descent JSON parser over UTF-8 bytes.
struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    /// Graph objects nest a few levels; a deeper document is hostile or broken.
    static let maximumDepth = 256

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func parseDocument() throws(VaultError) -> CanonicalJSON {
        self.skipWhitespace()
        let value = try self.parseValue()
        self.skipWhitespace()
        guard self.index == self.bytes.count else { throw self.error("trailing characters") }
        return value
    }

    private func error(_ reason: String) -> VaultError {
        VaultError(.invalidJSON, "invalid JSON at byte \(self.index): \(reason)")
    }

    private mutating func skipWhitespace() {
        while self.index < self.bytes.count {
            switch self.bytes[self.index] {
            case 0x20, 0x09, 0x0A, 0x0D: self.index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ literal: String, _ value: CanonicalJSON) throws(VaultError) -> CanonicalJSON {
        let literalBytes = Array(literal.utf8)
        guard self.index + literalBytes.count <= self.bytes.count,
              Array(self.bytes[self.index..<self.index + literalBytes.count]) == literalBytes else {
            throw self.error("unexpected token")
        }
        self.index += literalBytes.count
        return value
    }

    private mutating func parseValue() throws(VaultError) -> CanonicalJSON {
        guard self.index < self.bytes.count else { throw self.error("unexpected end") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"): return try self.expect("true", .bool(true))
        case UInt8(ascii: "f"): return try self.expect("false", .bool(false))
        case UInt8(ascii: "n"): return try self.expect("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.parseNumber())
        default: throw self.error("unexpected character")
        }
    }

    private mutating func enter() throws(VaultError) {
        self.depth += 1
        guard self.depth <= Self.maximumDepth else { throw self.error("nested deeper than \(Self.maximumDepth)") }
    }

    private mutating func parseObject() throws(VaultError) -> CanonicalJSON {
        try self.enter()
        defer { self.depth -= 1 }
        self.index += 1
        var members: [String: CanonicalJSON] = [:]
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            return .object(members)
        }
        while true {
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else { throw self.error("expected a key") }
            let key = try self.parseString()
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else { throw self.error("expected ':'") }
            self.index += 1
            self.skipWhitespace()
            let value = try self.parseValue()
            guard members.updateValue(value, forKey: key) == nil else { throw self.error("duplicate key") }
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unterminated object") }
            if self.bytes[self.index] == UInt8(ascii: ",") { self.index += 1; continue }
            if self.bytes[self.index] == UInt8(ascii: "}") { self.index += 1; return .object(members) }
            throw self.error("expected ',' or '}'")
        }
    }

    private mutating func parseArray() throws(VaultError) -> CanonicalJSON {
        try self.enter()
        defer { self.depth -= 1 }
        self.index += 1
        var elements: [CanonicalJSON] = []
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            return .array(elements)
        }
        while true {
            self.skipWhitespace()
            elements.append(try self.parseValue())
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unterminated array") }
            if self.bytes[self.index] == UInt8(ascii: ",") { self.index += 1; continue }
            if self.bytes[self.index] == UInt8(ascii: "]") { self.index += 1; return .array(elements) }
            throw self.error("expected ',' or ']'")
        }
    }

    private mutating func parseNumber() throws(VaultError) -> String {
        let start = self.index
        func digit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        if self.bytes[self.index] == UInt8(ascii: "-") { self.index += 1 }
        guard self.index < self.bytes.count, digit(self.bytes[self.index]) else { throw self.error("bad number") }
        if self.bytes[self.index] == UInt8(ascii: "0") {
            self.index += 1
        } else {
            while self.index < self.bytes.count, digit(self.bytes[self.index]) { self.index += 1 }
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ".") {
            self.index += 1
            guard self.index < self.bytes.count, digit(self.bytes[self.index]) else { throw self.error("bad fraction") }
            while self.index < self.bytes.count, digit(self.bytes[self.index]) { self.index += 1 }
        }
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "e") || self.bytes[self.index] == UInt8(ascii: "E") {
            self.index += 1
            if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "+") || self.bytes[self.index] == UInt8(ascii: "-") {
                self.index += 1
            }
            guard self.index < self.bytes.count, digit(self.bytes[self.index]) else { throw self.error("bad exponent") }
            while self.index < self.bytes.count, digit(self.bytes[self.index]) { self.index += 1 }
        }
        return String(decoding: self.bytes[start..<self.index], as: UTF8.self)
    }

    private mutating func parseString() throws(VaultError) -> String {
        self.index += 1
        var runStart = self.index
        var out: [UInt8] = []
        while true {
            guard self.index < self.bytes.count else { throw self.error("unterminated string") }
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                out += self.bytes[runStart..<self.index]
                self.index += 1
                break
            }
            if byte < 0x20 { throw self.error("control character in string") }
            if byte != UInt8(ascii: "\\") { self.index += 1; continue }
            out += self.bytes[runStart..<self.index]
            self.index += 1
            guard self.index < self.bytes.count else { throw self.error("unterminated escape") }
            let escape = self.bytes[self.index]
            self.index += 1
            switch escape {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var code = try self.hex4()
                if (0xD800..<0xDC00).contains(code) {
                    guard self.index + 1 < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                          self.bytes[self.index + 1] == UInt8(ascii: "u") else { throw self.error("lone surrogate") }
                    self.index += 2
                    let low = try self.hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw self.error("bad surrogate pair") }
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(code) {
                    throw self.error("lone surrogate")
                }
                guard let scalar = Unicode.Scalar(code) else { throw self.error("bad code point") }
                out += Array(String(scalar).utf8)
            default:
                throw self.error("bad escape")
            }
            runStart = self.index
        }
        // Reject invalid UTF-8 rather than silently replacing it, so canonical bytes are faithful.
        guard let text = String(validating: out, as: UTF8.self) else { throw self.error("invalid UTF-8") }
        return text
    }

    private mutating func hex4() throws(VaultError) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw self.error("short \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let nibble: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw self.error("bad hex digit")
            }
            value = value << 4 | nibble
            self.index += 1
        }
        return value
    }
}
