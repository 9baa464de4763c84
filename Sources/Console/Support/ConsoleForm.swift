/// A posted `application/x-www-form-urlencoded` body, parsed strictly: a hostile or broken form
/// is refused with a message rather than half-read.
struct ConsoleForm: Sendable {
    static let maximumBytes = 16 * 1024
    static let maximumFields = 16
    static let maximumValueBytes = 4096

    private(set) var fields: [String: String] = [:]

    subscript(_ name: String) -> String? { fields[name] }

    /// Parses `body`; throws `invalidInput` for too many or repeated fields, bad percent-escapes,
    /// invalid UTF-8, or a value longer than ``maximumValueBytes``.
    init(parsing body: [UInt8]) throws {
        guard body.count <= Self.maximumBytes else { throw ConsoleError(.invalidInput, "the form is larger than \(Self.maximumBytes) bytes") }
        guard !body.isEmpty else { return }
        let pairs = body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true)
        guard pairs.count <= Self.maximumFields else { throw ConsoleError(.invalidInput, "the form has more than \(Self.maximumFields) fields") }
        for pair in pairs {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), !name.isEmpty, name.utf8.count <= 64 else {
                throw ConsoleError(.invalidInput, "the form has a field with a malformed name")
            }
            guard let value = Self.decode(parts.count == 2 ? parts[1] : []) else {
                throw ConsoleError(.invalidInput, "form field '\(name)' is not valid percent-encoded UTF-8")
            }
            guard value.utf8.count <= Self.maximumValueBytes else { throw ConsoleError(.invalidInput, "form field '\(name)' is too long") }
            guard fields[name] == nil else { throw ConsoleError(.invalidInput, "form field '\(name)' is given more than once") }
            fields[name] = value
        }
    }

    /// `+` is a space, `%XX` a byte; the result must be UTF-8 without control characters other than
    /// tab and newlines.
    static func decode(_ bytes: some Collection<UInt8>) -> String? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): output.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                output.append(high << 4 | low)
            default: output.append(byte)
            }
        }
        guard let text = String(validating: output, as: UTF8.self) else { return nil }
        guard !text.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r") || $0.value == 0x7F }) else {
            return nil
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
