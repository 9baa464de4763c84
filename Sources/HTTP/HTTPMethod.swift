/// An HTTP request method. Any RFC 9110 token is allowed; the common ones have constants.
public struct HTTPMethod: RawRepresentable, Hashable, Sendable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public static let get: HTTPMethod = "GET"
    public static let head: HTTPMethod = "HEAD"
    public static let post: HTTPMethod = "POST"
    public static let put: HTTPMethod = "PUT"
    public static let patch: HTTPMethod = "PATCH"
    public static let delete: HTTPMethod = "DELETE"
    public static let options: HTTPMethod = "OPTIONS"

    public var description: String { self.rawValue }

    /// Whether the method is a non-empty RFC 9110 token (what may go on the request line).
    var isValidToken: Bool {
        !self.rawValue.isEmpty && self.rawValue.utf8.allSatisfy(HTTPHeaders.isTokenByte)
    }
}
