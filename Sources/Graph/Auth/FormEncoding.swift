import Cryptography

/// `application/x-www-form-urlencoded` built into one byte buffer the caller cleanses (it may hold
/// a client secret).
struct FormEncoding {
    private var bytes: [UInt8] = []

    /// `capacity`: enough for the whole form, escaped, so appending never reallocates and leaves
    /// an unwiped copy of a secret behind in freed memory.
    init(capacity: Int = 0) {
        self.bytes.reserveCapacity(capacity)
    }

    /// The most bytes `fields` can take: every value byte escaped to three, separators and names.
    static func capacity(_ fields: [(name: String, valueBytes: Int)]) -> Int {
        fields.reduce(0) { $0 + 3 * ($1.name.utf8.count + $1.valueBytes) + 2 }
    }

    mutating func append(_ name: String, _ value: String) {
        Array(value.utf8).withUnsafeBytes { self.append(name, bytes: $0) }
    }

    mutating func append(_ name: String, bytes value: UnsafeRawBufferPointer) {
        if !self.bytes.isEmpty { self.bytes.append(UInt8(ascii: "&")) }
        Self.escape(Array(name.utf8), into: &self.bytes)
        self.bytes.append(UInt8(ascii: "="))
        Self.escape(value, into: &self.bytes)
    }

    mutating func take() -> [UInt8] {
        let taken = self.bytes
        self.bytes = []
        return taken
    }

    static func escape(_ text: String) -> String {
        var output: [UInt8] = []
        Self.escape(Array(text.utf8), into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Everything but RFC 3986 unreserved characters is percent-encoded (spaces as `%20`).
    static func escape(_ input: some Sequence<UInt8>, into output: inout [UInt8]) {
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in input {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.append(byte)
            default:
                output.append(UInt8(ascii: "%"))
                output.append(hex[Int(byte >> 4)])
                output.append(hex[Int(byte & 0x0F)])
            }
        }
    }
}
