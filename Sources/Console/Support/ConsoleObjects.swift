import JSON

/// How pages name, search and print backed-up directory objects.
enum ConsoleObjects {
    /// Object ids the pages accept (relationship keys are `PARENT/ID`, two Graph ids).
    static let maximumIDLength = 400
    /// Characters of one attribute value a diff or history row shows; the rest is cut with "…".
    static let valueCharacters = 300

    /// The properties that name an object, in the order a person recognises it by.
    static let nameProperties = ["displayName", "userPrincipalName", "name", "mail"]
    /// A second line: the property after the name that tells same-named objects apart.
    static let detailProperties = ["userPrincipalName", "mail", "appId", "state", "principalId"]

    static func label(of object: JSONValue) -> (name: String?, detail: String?) {
        let nameKey = nameProperties.first { object[$0]?.stringValue?.isEmpty == false }
        let name = nameKey.flatMap { object[$0]?.stringValue }
        let detail = detailProperties.lazy.filter { $0 != nameKey }.compactMap { object[$0]?.stringValue }.first { !$0.isEmpty }
        return (name, detail)
    }

    /// Whether `search` (case-insensitive) is in the object's id or any of its naming properties.
    static func matches(_ object: JSONValue, id: String, search: String) -> Bool {
        if id.localizedCaseInsensitiveContains(search) { return true }
        return (nameProperties + detailProperties).contains { object[$0]?.stringValue?.localizedCaseInsensitiveContains(search) == true }
    }

    /// Compact JSON of one value, cut at `valueCharacters`.
    static func compact(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        let text = String(decoding: JSONWriter.serialize(value), as: UTF8.self)
        return text.count > valueCharacters ? String(text.prefix(valueCharacters)) + "…" : text
    }

    /// The object as indented JSON, members in their stored (canonical) order, numbers as stored.
    static func pretty(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        write(value, indent: 0, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    private static func write(_ value: JSONValue, indent: Int, into out: inout [UInt8]) {
        func newline(_ level: Int) {
            out.append(UInt8(ascii: "\n"))
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: level * 2))
        }
        switch value {
        case .array(let items) where !items.isEmpty:
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                write(item, indent: indent + 1, into: &out)
            }
            newline(indent)
            out.append(UInt8(ascii: "]"))
        case .object(let object) where !object.isEmpty:
            out.append(UInt8(ascii: "{"))
            for (index, member) in object.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                newline(indent + 1)
                JSONWriter.writeString(member.key, into: &out)
                out.append(contentsOf: Array(": ".utf8))
                write(member.value, indent: indent + 1, into: &out)
            }
            newline(indent)
            out.append(UInt8(ascii: "}"))
        default:
            JSONWriter.write(value, into: &out)
        }
    }
}
