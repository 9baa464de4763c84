import Foundation
import Logging

/// Writes one line per log record to standard error, as JSON or `key=value` text.
/// Metadata keys keep their dot notation (`tenant.id`, `job.id`).
///
/// A busy worker logs thousands of lines a second, so a line is written straight into one string:
/// one shared timestamp style, no formatter, dictionary or serializer per line.
struct StructuredLogHandler: LogHandler {
    enum Format: Sendable { case json, text }

    let label: String
    let format: Format
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, format: Format) {
        self.label = label
        self.format = format
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = self.metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        // Our errors' descriptions are written to be shown (no secrets, no tokens).
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        let line = Self.line(format: self.format, date: Date(), level: event.level, label: self.label,
                             message: event.message.description, metadata: merged)
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// UTC with milliseconds, `2026-12-07T05:16:26.123Z`.
    static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// The line for one record, newline included. JSON lines have every key sorted, the record's
    /// own fields (`ts`, `level`, `msg`, `logger`) winning over metadata of the same name.
    static func line(format: Format, date: Date, level: Logger.Level, label: String, message: String,
                     metadata: Logger.Metadata) -> String {
        let timestamp = date.formatted(Self.timestampStyle)
        var output = ""
        output.reserveCapacity(128 + metadata.count * 32)
        switch format {
        case .json:
            var fields = metadata
            fields["ts"] = .string(timestamp)
            fields["level"] = .string(level.rawValue)
            fields["msg"] = .string(message)
            fields["logger"] = .string(label)
            Self.appendJSON(.dictionary(fields), to: &output)
        case .text:
            output = Self.textLine(timestamp: timestamp, level: level, label: label, message: message, metadata: metadata)
        }
        output += "\n"
        return output
    }

    private static func appendJSON(_ value: Logger.MetadataValue, to output: inout String) {
        switch value {
        case .string(let string):
            Self.appendJSONString(string, to: &output)
        case .stringConvertible(let convertible):
            Self.appendJSONString(convertible.description, to: &output)
        case .array(let array):
            output += "["
            for (index, element) in array.enumerated() {
                if index > 0 { output += "," }
                Self.appendJSON(element, to: &output)
            }
            output += "]"
        case .dictionary(let dictionary):
            output += "{"
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { output += "," }
                Self.appendJSONString(key, to: &output)
                output += ":"
                Self.appendJSON(dictionary[key]!, to: &output)
            }
            output += "}"
        }
    }

    /// A JSON string literal (RFC 8259): quote, backslash and control characters escaped; `/` and
    /// non-ASCII text are written as they are.
    static func appendJSONString(_ text: String, to output: inout String) {
        output += "\""
        var plainStart = text.unicodeScalars.startIndex
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            let scalar = scalars[index]
            let escape: String? = switch scalar {
            case "\"": "\\\""
            case "\\": "\\\\"
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case "\u{08}": "\\b"
            case "\u{0C}": "\\f"
            default: scalar.value < 0x20 ? "\\u00" + Self.hex(scalar.value >> 4) + Self.hex(scalar.value & 0xF) : nil
            }
            if let escape {
                output.unicodeScalars.append(contentsOf: scalars[plainStart..<index])
                output += escape
                plainStart = scalars.index(after: index)
            }
            index = scalars.index(after: index)
        }
        output.unicodeScalars.append(contentsOf: scalars[plainStart..<scalars.endIndex])
        output += "\""
    }

    private static func hex(_ nibble: UInt32) -> String {
        String(UnicodeScalar(UInt8(nibble < 10 ? 48 + nibble : 87 + nibble)))
    }

    /// One record as `ts LEVEL label: message key=value …`. Newlines and other control characters
    /// in the message, keys and values are escaped, so text from Graph or a display name cannot
    /// start a forged line of its own.
    static func textLine(timestamp: String, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var output = "\(timestamp) \(level.rawValue.uppercased()) \(Self.escaped(label)): \(Self.escaped(message))"
        for key in metadata.keys.sorted() {
            output += " \(Self.quoted(key))=\(Self.quoted(metadata[key]!.description))"
        }
        return output
    }

    private static func quoted(_ text: String) -> String {
        let escaped = Self.escaped(text)
        return escaped.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" })
            ? "\"" + escaped.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : escaped
    }

    /// `\\`, `\n`, `\r`, `\t`, and `\u{…}` for any other control character (C0, DEL, C1, and the
    /// Unicode line and paragraph separators).
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { Self.needsEscape($0) }) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where Self.needsEscape(scalar): result += "\\u{" + String(scalar.value, radix: 16) + "}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "\\" || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
