/// An ordered list of HTTP header fields.
///
/// Order and repetition are kept exactly (a response's two `Set-Cookie` lines stay two fields);
/// lookups by name are ASCII case-insensitive, as RFC 9110 requires.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral,
    CustomStringConvertible
{
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var fields: [Field]

    public init() {
        self.fields = []
    }

    public init(_ fields: [(name: String, value: String)]) {
        self.fields = fields.map { Field(name: $0.name, value: $0.value) }
    }

    init(fields: [Field]) {
        self.fields = fields
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    public var count: Int { self.fields.count }
    public var isEmpty: Bool { self.fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> {
        self.fields.makeIterator()
    }

    /// The first value of the field called `name`, or nil.
    public subscript(name: String) -> String? {
        self.fields.first { $0.name.isEqualIgnoringASCIICase(name) }?.value
    }

    /// Every value of the fields called `name`, in order.
    public func values(for name: String) -> [String] {
        self.fields.lazy.filter { $0.name.isEqualIgnoringASCIICase(name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        self.fields.contains { $0.name.isEqualIgnoringASCIICase(name) }
    }

    /// Appends a field, keeping any existing ones of the same name.
    public mutating func add(name: String, value: String) {
        self.fields.append(Field(name: name, value: value))
    }

    /// Removes every field called `name`, then appends one with `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        self.remove(name: name)
        self.add(name: name, value: value)
    }

    public mutating func remove(name: String) {
        self.fields.removeAll { $0.name.isEqualIgnoringASCIICase(name) }
    }

    /// Values of credential-bearing fields are replaced, so headers can be logged.
    public var description: String {
        let rendered = self.fields.map { field in
            let value = Self.sensitiveNames.contains { field.name.isEqualIgnoringASCIICase($0) }
                ? "<redacted>" : field.value
            return "\(field.name): \(value)"
        }
        return "[" + rendered.joined(separator: ", ") + "]"
    }

    private static let sensitiveNames = [
        "authorization", "proxy-authorization", "cookie", "set-cookie", "x-amz-security-token",
    ]

    // MARK: Validation

    /// RFC 9110 `tchar`.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// The first field that cannot be sent safely: a name that is not a token, or a value with
    /// CR, LF or NUL (which would let a caller's data inject headers).
    var firstInvalidField: Field? {
        self.fields.first { field in
            field.name.isEmpty || !field.name.utf8.allSatisfy(Self.isTokenByte)
                || field.value.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
        }
    }
}

extension String {
    func isEqualIgnoringASCIICase(_ other: String) -> Bool {
        let lhs = self.utf8
        let rhs = other.utf8
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).allSatisfy { asciiLowercased($0) == asciiLowercased($1) }
    }
}

private func asciiLowercased(_ byte: UInt8) -> UInt8 {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
}
