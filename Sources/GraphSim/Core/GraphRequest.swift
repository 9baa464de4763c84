/// An HTTP request as graph-sim's Graph, token and admin handlers see it, independent of the
/// server framework, so `$batch` parts go through the same code as real requests.
public struct GraphRequest: Sendable {
    public var method: String
    /// Path below the service root (`/users/{id}`), percent-decoded per segment.
    public var segments: [String]
    /// The raw path, for logs and request records.
    public var path: String
    /// Query parameters in order, percent-decoded; names keep their case.
    public var query: [(name: String, value: String)]
    /// The raw query string, for rebuilding next links.
    public var rawQuery: String
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]
    /// `http://host:port` from the Host header, for absolute links.
    public var origin: String

    public init(
        method: String,
        path: String,
        rawQuery: String,
        headers: [String: String],
        body: [UInt8],
        origin: String
    ) {
        self.method = method.uppercased()
        self.path = path
        self.segments = GraphRequest.segments(of: path)
        self.rawQuery = rawQuery
        self.query = GraphRequest.parseQuery(rawQuery)
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.headers = lowered
        self.body = body
        self.origin = origin
    }

    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The first value of query parameter `name`, matched case-sensitively with and without `$`
    /// (Graph v1.0 accepts `select=` for `$select=`).
    public func queryValue(_ name: String) -> String? {
        for item in query where item.name == name || item.name == "$" + name || "$" + item.name == name {
            return item.value
        }
        return nil
    }

    static func segments(of path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map { percentDecode(String($0)) }
    }

    static func parseQuery(_ raw: String) -> [(name: String, value: String)] {
        guard !raw.isEmpty else { return [] }
        return raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(String(parts[0]), plusIsSpace: true)
            let value = parts.count > 1 ? percentDecode(String(parts[1]), plusIsSpace: true) : ""
            return (name, value)
        }
    }

    static func percentDecode(_ text: String, plusIsSpace: Bool = false) -> String {
        guard text.utf8.contains(where: { $0 == UInt8(ascii: "%") || (plusIsSpace && $0 == UInt8(ascii: "+")) }) else {
            return text
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            if byte == UInt8(ascii: "%") {
                guard let high = iterator.next(), let low = iterator.next(),
                      let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
                    bytes.append(byte)
                    continue
                }
                bytes.append(value)
            } else if plusIsSpace && byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-encodes a query value for a link.
    static func percentEncode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                 UInt8(ascii: "~"), UInt8(ascii: "$"), UInt8(ascii: ","), UInt8(ascii: "("), UInt8(ascii: ")"),
                 UInt8(ascii: "'"), UInt8(ascii: ":"), UInt8(ascii: "/"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                result += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return result
    }
}

/// A response from a handler: status, headers and body bytes.
public struct GraphResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    public mutating func setHeader(_ name: String, _ value: String) {
        headers.removeAll { $0.name.lowercased() == name.lowercased() }
        headers.append((name, value))
    }

    static let odataContentType = "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8"

    /// A JSON body with Graph's OData content type.
    static func json(_ status: Int, _ body: [UInt8]) -> GraphResponse {
        GraphResponse(status: status, headers: [("Content-Type", odataContentType), ("OData-Version", "4.0")], body: body)
    }

    static func json(_ status: Int, _ value: JSONValue) -> GraphResponse {
        json(status, JSONWriter.serialize(value))
    }

    static func json(_ status: Int, _ object: JSONObject) -> GraphResponse {
        json(status, JSONWriter.serialize(object))
    }

    static func noContent() -> GraphResponse {
        GraphResponse(status: 204)
    }

    /// The body parsed as JSON, when it is.
    public var json: JSONValue? {
        try? JSONParser.parse(body)
    }
}
