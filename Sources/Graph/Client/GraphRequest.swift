public import JSON

/// One Graph request: a path below the configured base URL (`/users?$select=id`) or an absolute
/// URL Graph gave us (`@odata.nextLink`).
public struct GraphRequest: Sendable {
    public var method: String
    public var path: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Whether resending after a network error or 5xx cannot do harm. GET, HEAD, PUT and DELETE are;
    /// POST and PATCH are not unless the caller knows better (a `$batch` of reads, `getByIds`).
    public var isIdempotent: Bool

    public init(method: String = "GET", path: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil,
                isIdempotent: Bool? = nil) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
        self.isIdempotent = isIdempotent ?? ["GET", "HEAD", "PUT", "DELETE", "OPTIONS"].contains(method)
    }

    /// A GET of `path`.
    public static func get(_ path: String, headers: [(name: String, value: String)] = []) -> GraphRequest {
        GraphRequest(method: "GET", path: path, headers: headers)
    }
}

/// A successful (2xx) answer.
public struct GraphResponse: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]
    public var requestID: String? { self.headers["request-id"] }

    public func json() throws -> GraphJSON {
        do {
            return try JSONParser.parse(self.body)
        } catch {
            throw GraphError(code: .invalidResponse, message: "the response body is not JSON", status: self.status,
                             requestID: self.requestID, underlying: error)
        }
    }
}

/// One page of a collection.
public struct GraphPage: Sendable {
    /// `value`: the objects (for delta, with `@removed` annotations on removed ones).
    public var items: [GraphJSON]
    public var nextLink: String?
    /// Present on the last page of a delta round.
    public var deltaLink: String?
    /// `@odata.count`, on the first page when `$count=true` was asked.
    public var count: Int?
    public var requestID: String?

    init(json: GraphJSON, requestID: String?) throws {
        guard case .object(let object) = json else {
            throw GraphError(code: .invalidResponse, message: "a collection page is not a JSON object", requestID: requestID)
        }
        self.items = object["value"]?.arrayValue ?? []
        self.nextLink = object["@odata.nextLink"]?.stringValue
        self.deltaLink = object["@odata.deltaLink"]?.stringValue
        self.count = object["@odata.count"]?.intValue
        self.requestID = requestID
    }
}
