import Foundation
public import Vault

extension ChangeSet {
    /// Readable text: one line per object, `+` added, `-` removed, `~` changed, then one line per
    /// attribute (array elements added and removed listed by value) and who did it.
    public func renderText() -> String {
        var lines = ["diff of tenant \(self.tenantID.uuidString.lowercased()): \(self.from) → \(self.to), \(self.changes.count) change(s)"]
        for change in self.changes {
            let sign = change.kind == .added ? "+" : change.kind == .removed ? "-" : "~"
            let name = change.displayName.map { " (\($0))" } ?? ""
            lines.append("\(sign) \(change.type) \(change.key)\(name)")
            lines += change.attributes.map { "    " + $0.renderText() }
            for actor in change.actors {
                lines.append("    by \(actor.name): \(actor.activity) at \(ISO8601DateFormatter().string(from: actor.at))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// JSON (sorted keys, ISO 8601 dates).
    public func renderJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A JSON value on one line, shortened to 120 characters.
    public static func text(_ value: CanonicalJSON) -> String {
        let bytes = value.canonicalBytes()
        let text = String(decoding: bytes, as: UTF8.self)
        return text.count > 120 ? String(text.prefix(117)) + "…" : text
    }
}

extension AttributeChange {
    /// `path: before → after`, or for arrays of plain values `path: +added -removed`.
    public func renderText() -> String {
        if let added = self.added, let removed = self.removed {
            let parts = added.map { "+" + ChangeSet.text($0) } + removed.map { "-" + ChangeSet.text($0) }
            return "\(self.path): \(parts.joined(separator: " "))"
        }
        return "\(self.path): \(self.before.map(ChangeSet.text) ?? "∅") → \(self.after.map(ChangeSet.text) ?? "∅")"
    }
}
