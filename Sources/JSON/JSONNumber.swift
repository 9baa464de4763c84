/// A JSON number kept as the text it was written as, so a value read from Graph is stored,
/// hashed and written back byte for byte: integers above 2^53, long fractions and exponents are
/// never rounded through a `Double`.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    /// The number as written, valid against RFC 8259's grammar.
    public let text: String

    /// A number from text, or nil when `text` is not a JSON number.
    public init?(_ text: String) {
        guard Self.isValid(text.utf8) else { return nil }
        self.text = text
    }

    /// Text the parser has already checked.
    init(validated text: String) {
        self.text = text
    }

    public init(_ value: Int) {
        self.text = String(value)
    }

    public init(integerLiteral value: Int) {
        self.init(value)
    }

    /// A double as the shortest text that reads back to it; integral values below 10^15 are written
    /// without a fraction. Nil for NaN and the infinities, which JSON cannot express.
    public init?(_ value: Double) {
        guard value.isFinite else { return nil }
        if value.rounded() == value, abs(value) < 1e15 {
            self.text = String(Int(value))
        } else {
            self.text = value.description
        }
    }

    /// Whether the text has no fraction and no exponent.
    public var isInteger: Bool {
        !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
    }

    /// The value as an `Int` when it is one exactly: integer text that fits, or an integral
    /// fraction or exponent form small enough to be exact in a double (`2.0`, `1e3`).
    public var intValue: Int? {
        if isInteger { return Int(text) }
        guard let double = Double(text), double.rounded() == double, abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }

    /// The value as a `Double`, the nearest one; nil when it overflows a double.
    public var doubleValue: Double? {
        guard let double = Double(text), double.isFinite else { return nil }
        return double
    }

    public var description: String { text }

    static func isValid(_ bytes: String.UTF8View) -> Bool {
        var index = bytes.startIndex
        func digit(_ i: String.UTF8View.Index) -> Bool {
            i < bytes.endIndex && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "9")
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") { index = bytes.index(after: index) }
        guard digit(index) else { return false }
        if bytes[index] == UInt8(ascii: "0") {
            index = bytes.index(after: index)
        } else {
            while digit(index) { index = bytes.index(after: index) }
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index = bytes.index(after: index)
            guard digit(index) else { return false }
            while digit(index) { index = bytes.index(after: index) }
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index = bytes.index(after: index)
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index = bytes.index(after: index)
            }
            guard digit(index) else { return false }
            while digit(index) { index = bytes.index(after: index) }
        }
        return index == bytes.endIndex
    }
}
