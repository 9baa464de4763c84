import Foundation
import Logging

/// Writes one line per log record to standard error, as JSON or `key=value` text.
/// Metadata keys keep their dot notation (`tenant.id`, `job.id`).
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
        let level = event.level
        let message = event.message
        var merged = self.metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        // Our errors' descriptions are written to be shown (no secrets, no tokens).
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        let timestamp = Self.timestamp()
        var output: String
        switch format {
        case .json:
            var object: [String: Any] = ["ts": timestamp, "level": level.rawValue, "msg": message.description, "logger": label]
            for (key, value) in merged { object[key] = Self.jsonValue(value) }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            output = String(decoding: data, as: UTF8.self)
        case .text:
            output = Self.textLine(timestamp: timestamp, level: level, label: label, message: message.description, metadata: merged)
        }
        output += "\n"
        FileHandle.standardError.write(Data(output.utf8))
    }

    private static func jsonValue(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let string): return string
        case .stringConvertible(let convertible): return convertible.description
        case .array(let array): return array.map(jsonValue)
        case .dictionary(let dictionary): return dictionary.mapValues(jsonValue)
        }
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

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
