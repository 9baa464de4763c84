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
            output = "\(timestamp) \(level.rawValue.uppercased()) \(label): \(message)"
            for key in merged.keys.sorted() {
                output += " \(key)=\(Self.quoted(merged[key]!.description))"
            }
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

    private static func quoted(_ text: String) -> String {
        text.contains(where: { $0 == " " || $0 == "\"" || $0 == "=" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : text
    }

    private static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }
}
