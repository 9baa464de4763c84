/// Serializes ``JSONValue`` trees to compact UTF-8 JSON without Foundation.
///
/// Two member orders: `.asIs` writes objects in their member order (graph-sim's answers, request
/// bodies); `.canonical` sorts members by their keys' UTF-8 bytes — the vault hashes and stores
/// that form, so its bytes must never change. Both write numbers as their text and escape strings
/// minimally (`"`, `\`, control characters); strings needing no escape are copied in one go.
public enum JSONWriter {
    public enum Order: Sendable {
        case asIs
        case canonical
    }

    public static func serialize(_ value: JSONValue, order: Order = .asIs) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(value, order: order, into: &out)
        return out
    }

    public static func serialize(_ object: JSONObject, order: Order = .asIs) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(object, order: order, into: &out)
        return out
    }

    public static func write(_ value: JSONValue, order: Order = .asIs, into out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(contentsOf: nullBytes)
        case .bool(let flag):
            out.append(contentsOf: flag ? trueBytes : falseBytes)
        case .number(let number):
            out.append(contentsOf: number.text.utf8)
        case .string(let string):
            writeString(string, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                write(item, order: order, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            write(object, order: order, into: &out)
        }
    }

    public static func write(_ object: JSONObject, order: Order = .asIs, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        let members = order == .canonical
            ? object.members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            : object.members
        for member in members {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            writeString(member.key, into: &out)
            out.append(UInt8(ascii: ":"))
            write(member.value, order: order, into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    public static func writeInt(_ number: Int, into out: inout [UInt8]) {
        if number == 0 {
            out.append(UInt8(ascii: "0"))
            return
        }
        var magnitude = number.magnitude
        if number < 0 { out.append(UInt8(ascii: "-")) }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while magnitude > 0 {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            }
            for index in stride(from: count - 1, through: 0, by: -1) {
                out.append(buffer[index])
            }
        }
    }

    public static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if string.utf8.withContiguousStorageIfAvailable({ appendEscaping($0, into: &out) }) == nil {
            var copy = string
            copy.withUTF8 { appendEscaping($0, into: &out) }
        }
        out.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func appendEscaping(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var runStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                index += 1
                continue
            }
            if runStart < index {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            }
            appendEscaped(byte, into: &out)
            index += 1
            runStart = index
        }
        if runStart < count {
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<count]))
        }
    }

    private static func appendEscaped(_ byte: UInt8, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
        case 0x0A: out.append(UInt8(ascii: "n"))
        case 0x0D: out.append(UInt8(ascii: "r"))
        case 0x09: out.append(UInt8(ascii: "t"))
        case 0x08: out.append(UInt8(ascii: "b"))
        case 0x0C: out.append(UInt8(ascii: "f"))
        default:
            out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                    hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
        }
    }

    private static let nullBytes: [UInt8] = Array("null".utf8)
    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

extension JSONValue {
    /// Compact UTF-8 JSON, members in their order.
    public var serialized: [UInt8] { JSONWriter.serialize(self) }

    /// Compact JSON as a String, members in their order.
    public var jsonString: String { String(decoding: JSONWriter.serialize(self), as: UTF8.self) }

    /// Canonical JSON: members sorted by their keys' UTF-8 bytes, no insignificant whitespace,
    /// strings escaped minimally, numbers as written. The vault's blob ids hash these bytes.
    public func canonicalBytes() -> [UInt8] { JSONWriter.serialize(self, order: .canonical) }

    public func writeCanonical(into out: inout [UInt8]) { JSONWriter.write(self, order: .canonical, into: &out) }
}

extension JSONObject {
    public var jsonString: String { String(decoding: JSONWriter.serialize(self), as: UTF8.self) }
}
