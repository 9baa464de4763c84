import Foundation

/// JSON batching: up to 20 requests with unique ids, `dependsOn` ordering, 424 Failed Dependency
/// for requests whose dependency failed, a status per part, and throttling per part (a throttled
/// part gets 429 with its own `Retry-After`).
extension GraphSimulator {
    static let batchLimit = 20

    struct BatchPart {
        var id: String
        var method: String
        var url: String
        var headers: [String: String]
        var body: JSONValue?
        var dependsOn: [String]
    }

    func handleBatch(_ request: GraphRequest, caller: GraphCaller, requestId: String) async -> GraphResponse {
        let now = clock.now
        let clientRequestId = request.header("client-request-id")
        func badRequest(_ message: String) -> GraphResponse {
            GraphError(status: 400, code: "BadRequest", message: message)
                .response(requestId: requestId, clientRequestId: clientRequestId, date: now)
        }
        guard request.method == "POST" else {
            return GraphError.methodNotAllowed.response(requestId: requestId, clientRequestId: clientRequestId, date: now)
        }
        guard case .object(let body)? = try? JSONParser.parse(request.body),
              case .array(let items)? = body["requests"] else {
            return badRequest("Invalid batch payload format.")
        }
        guard !items.isEmpty else { return badRequest("The batch contains no requests.") }
        guard items.count <= Self.batchLimit else {
            return badRequest("The number of requests in a batch is limited to \(Self.batchLimit).")
        }
        var parts: [BatchPart] = []
        var seen = Set<String>()
        for item in items {
            guard case .object(let fields) = item, let id = fields["id"]?.stringValue,
                  let method = fields["method"]?.stringValue, let url = fields["url"]?.stringValue else {
                return badRequest("Each request in a batch needs an id, a method and a url.")
            }
            guard seen.insert(id).inserted else {
                return badRequest("Batch request ids must be unique; '\(id)' appears more than once.")
            }
            var headers: [String: String] = [:]
            if case .object(let headerFields)? = fields["headers"] {
                for member in headerFields { headers[member.key.lowercased()] = member.value.stringValue ?? member.value.jsonString }
            }
            let partBody = fields["body"].flatMap { $0.isNull ? nil : $0 }
            if partBody != nil && headers["content-type"] == nil {
                return badRequest("Content-Type header must be specified for a batch request ('\(id)') with a body.")
            }
            let dependsOn = fields["dependsOn"]?.stringArray ?? []
            parts.append(BatchPart(id: id, method: method.uppercased(), url: url, headers: headers, body: partBody,
                                   dependsOn: dependsOn))
        }
        for part in parts {
            for dependency in part.dependsOn where !seen.contains(dependency) || dependency == part.id {
                return badRequest("Request '\(part.id)' depends on '\(dependency)', which is not an earlier request in the batch.")
            }
        }

        var statuses: [String: Int] = [:]
        var responses: [JSONValue] = []
        for part in parts {
            let failed = part.dependsOn.first { (statuses[$0] ?? 500) >= 400 }
            if let failed {
                statuses[part.id] = 424
                responses.append([
                    "id": .string(part.id),
                    "status": 424,
                    "headers": ["Content-Type": "application/json"],
                    "body": ["error": [
                        "code": "FailedDependency",
                        "message": .string("The request it depends on ('\(failed)') failed."),
                    ]],
                ])
                continue
            }
            let (path, query) = Self.splitBatchURL(part.url)
            var headers = part.headers
            headers["client-request-id"] = headers["client-request-id"] ?? clientRequestId
            let partRequest = GraphRequest(
                method: part.method, path: path, rawQuery: query, headers: headers,
                body: part.body.map { JSONWriter.serialize($0) } ?? [], origin: request.origin)
            let outcome = await handleGraph(partRequest, batchPartId: part.id, batchCaller: caller)
            let response = outcome.response
            statuses[part.id] = response.status
            var headerObject = JSONObject()
            for header in response.headers where !["request-id", "client-request-id", "x-ms-ags-diagnostic",
                                                    "strict-transport-security"].contains(header.name.lowercased()) {
                headerObject[header.name] = .string(header.value)
            }
            var entry: JSONObject = ["id": .string(part.id), "status": .int(response.status), "headers": .object(headerObject)]
            if !response.body.isEmpty {
                if let json = try? JSONParser.parse(response.body) {
                    entry["body"] = json
                } else {
                    entry["body"] = .string(String(decoding: response.body, as: UTF8.self))
                }
            }
            responses.append(.object(entry))
        }
        return .json(200, JSONValue.object(["responses": .array(responses)]))
    }

    /// `/users?$top=1`, `users?$top=1` or `https://graph.microsoft.com/v1.0/users?$top=1` →
    /// (`/users`, `$top=1`).
    static func splitBatchURL(_ url: String) -> (String, String) {
        var text = url
        if let scheme = text.range(of: "://") {
            let afterScheme = text[scheme.upperBound...]
            text = afterScheme.firstIndex(of: "/").map { String(afterScheme[$0...]) } ?? "/"
        }
        for prefix in ["/v1.0/", "v1.0/"] where text.hasPrefix(prefix) {
            text = "/" + text.dropFirst(prefix.count)
        }
        if !text.hasPrefix("/") { text = "/" + text }
        guard let question = text.firstIndex(of: "?") else { return (text, "") }
        return (String(text[..<question]), String(text[text.index(after: question)...]))
    }
}
