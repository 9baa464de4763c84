/// Writes Graph collection responses — `{"@odata.context", "@odata.count", "@odata.nextLink",
/// "value": […], "@odata.deltaLink"}` — straight into bytes.
struct CollectionWriter {
    private(set) var bytes: [UInt8] = []
    private var itemCount = 0

    init(context: String?, count: Int? = nil, nextLink: String? = nil, capacity: Int = 4096) {
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
        var first = true
        func member(_ key: String, _ write: (inout [UInt8]) -> Void) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeString(key, into: &bytes)
            bytes.append(UInt8(ascii: ":"))
            write(&bytes)
        }
        if let context { member("@odata.context") { JSONWriter.writeString(context, into: &$0) } }
        if let count { member("@odata.count") { JSONWriter.writeInt(count, into: &$0) } }
        if let nextLink { member("@odata.nextLink") { JSONWriter.writeString(nextLink, into: &$0) } }
        if !first { bytes.append(UInt8(ascii: ",")) }
        bytes.append(contentsOf: Array("\"value\":[".utf8))
    }

    /// Appends one item, written by `write` as a complete JSON value.
    mutating func appendItem(_ write: (inout [UInt8]) -> Void) {
        if itemCount > 0 { bytes.append(UInt8(ascii: ",")) }
        itemCount += 1
        write(&bytes)
    }

    mutating func finish(deltaLink: String? = nil) -> [UInt8] {
        bytes.append(UInt8(ascii: "]"))
        if let deltaLink {
            bytes.append(contentsOf: Array(",\"@odata.deltaLink\":".utf8))
            JSONWriter.writeString(deltaLink, into: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    /// `"@odata.type":"#microsoft.graph.user"`, the leading member of items in polymorphic
    /// collections.
    static func typeAnnotation(_ type: ResourceType) -> [UInt8] {
        var bytes: [UInt8] = []
        JSONWriter.writeString("@odata.type", into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        JSONWriter.writeString(type.odataType, into: &bytes)
        return bytes
    }

    /// `"@odata.context":"…"`, the leading member of single-object responses.
    static func contextAnnotation(_ context: String) -> [UInt8] {
        var bytes: [UInt8] = []
        JSONWriter.writeString("@odata.context", into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        JSONWriter.writeString(context, into: &bytes)
        return bytes
    }
}
