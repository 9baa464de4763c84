import Foundation

/// A Graph error response: `{"error":{"code","message","innerError":{…}}}` with its HTTP status.
///
/// Codes follow the directory service's (`Request_ResourceNotFound`, `Authorization_RequestDenied`,
/// `Request_BadRequest`, …) and the generic set where Graph uses them.
public struct GraphError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    /// Extra headers (Retry-After, Location, …).
    public var headers: [(name: String, value: String)] = []
    /// Extra members of `innerError` (the 429 body carries `code`, `message`, `status`).
    public var innerError: JSONObject = [:]

    public init(status: Int, code: String, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status) \(code): \(message)" }

    static func notFound(_ id: String) -> GraphError {
        GraphError(status: 404, code: "Request_ResourceNotFound",
                   message: "Resource '\(id)' does not exist or one of its queried reference-property objects are not present.")
    }

    static func badRequest(_ message: String) -> GraphError {
        GraphError(status: 400, code: "Request_BadRequest", message: message)
    }

    static func unsupportedQuery(_ message: String = "Unsupported Query.") -> GraphError {
        GraphError(status: 400, code: "Request_UnsupportedQuery", message: message)
    }

    static func segmentNotFound(_ segment: String) -> GraphError {
        GraphError(status: 400, code: "BadRequest",
                   message: "Resource not found for the segment '\(segment)'.")
    }

    static let methodNotAllowed = GraphError(
        status: 405, code: "Request_BadRequest", message: "Specified HTTP method is not allowed for the request target."
    )

    static let accessDenied = GraphError(
        status: 403, code: "Authorization_RequestDenied", message: "Insufficient privileges to complete the operation."
    )

    static func invalidProperty(_ name: String, type: ResourceType) -> GraphError {
        GraphError(status: 400, code: "Request_BadRequest",
                   message: "Could not find a property named '\(name)' on type 'microsoft.graph.\(type.name)'.")
    }

    static func readOnlyProperty(_ name: String) -> GraphError {
        GraphError(status: 400, code: "Request_BadRequest",
                   message: "Property '\(name)' is read-only and cannot be set.")
    }

    static func invalidBody(_ detail: String) -> GraphError {
        GraphError(status: 400, code: "BadRequest", message: "Unable to read JSON request payload. \(detail)")
    }

    static func conflict(_ message: String) -> GraphError {
        GraphError(status: 400, code: "Request_BadRequest", message: message)
    }

    /// The error body with `innerError` carrying the date and request ids.
    func body(requestId: String, clientRequestId: String?, date: Date) -> JSONObject {
        var inner = innerError
        inner["date"] = .string(Timestamp.formatWithoutZone(date))
        inner["request-id"] = .string(requestId)
        inner["client-request-id"] = .string(clientRequestId ?? requestId)
        return ["error": ["code": .string(code), "message": .string(message), "innerError": .object(inner)]]
    }

    func response(requestId: String, clientRequestId: String?, date: Date) -> GraphResponse {
        var response = GraphResponse(
            status: status,
            headers: [("Content-Type", "application/json")],
            body: JSONWriter.serialize(body(requestId: requestId, clientRequestId: clientRequestId, date: date))
        )
        response.headers.append(contentsOf: headers)
        return response
    }
}
