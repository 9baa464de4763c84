import Foundation
public import JSON
import Logging

/// One part of a JSON batch.
public struct GraphBatchRequest: Sendable {
    /// Unique within the batch.
    public var id: String
    public var method: String
    /// Relative to the version root: `/users/{id}`.
    public var url: String
    public var headers: [String: String]
    public var body: GraphJSON?
    public var dependsOn: [String]?

    public init(id: String, method: String = "GET", url: String, headers: [String: String] = [:], body: GraphJSON? = nil,
                dependsOn: [String]? = nil) {
        self.id = id
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.dependsOn = dependsOn
    }
}

/// One part's answer.
public struct GraphBatchResponse: Sendable {
    public var id: String
    public var status: Int
    public var headers: [String: String]
    public var body: GraphJSON?

    /// Graph's error for a non-2xx part.
    public var error: GraphError? {
        guard !(200..<300).contains(self.status) else { return nil }
        let bytes = self.body?.serialized ?? []
        var lowercased: [String: String] = [:]
        for (name, value) in self.headers { lowercased[name.lowercased()] = value }
        return GraphError.parse(status: self.status, body: bytes, headers: lowercased, clientRequestID: nil)
    }
}

extension GraphSession {
    public static let maxBatchParts = 20

    /// Sends up to 20 requests as one `$batch` and returns every part's answer in request order.
    ///
    /// Parts are throttled one by one; parts answered 429 are sent again, in a new batch, after the
    /// longest `Retry-After` among them (recorded in the throttle store like any 429), each at most
    /// `maxAttempts` times; a part still throttled then is returned with its 429. Other failed parts
    /// are returned as they are, for the caller to judge.
    public func batch(_ requests: [GraphBatchRequest]) async throws -> [GraphBatchResponse] {
        guard !requests.isEmpty else { return [] }
        guard requests.count <= Self.maxBatchParts else {
            throw GraphError(code: .invalidRequest, message: "a $batch holds at most \(Self.maxBatchParts) requests, not \(requests.count)")
        }
        guard Set(requests.map(\.id)).count == requests.count else {
            throw GraphError(code: .invalidRequest, message: "$batch request ids must be unique")
        }
        var results: [String: GraphBatchResponse] = [:]
        var attempts: [String: Int] = [:]
        var pending = requests
        // Graph charges refused parts too, so resending every throttled part at once can starve:
        // after a throttled round, send only as many parts as got through (at least one), and
        // double that after a round without 429. Parts with dependencies always go together.
        let independent = requests.allSatisfy { ($0.dependsOn ?? []).isEmpty }
        var window = requests.count
        var round = 0
        while !pending.isEmpty {
            round += 1
            let sending = independent ? Array(pending.prefix(window)) : pending
            let answers = try await self.sendBatch(sending)
            var throttled: [GraphBatchRequest] = []
            var longest: Duration = .zero
            for request in sending {
                guard let answer = answers[request.id] else {
                    throw GraphError(code: .invalidResponse, message: "the $batch response has no part \(request.id)")
                }
                attempts[request.id, default: 0] += 1
                GraphMetrics.response(status: answer.status, sizeClass: self.client.pacer.sizeClass(for: self.identity))
                if answer.status == 429, attempts[request.id, default: 0] < self.client.configuration.maxAttempts {
                    throttled.append(request)
                    let lowercased = Dictionary(answer.headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $1 })
                    longest = max(longest, lowercased["retry-after"].flatMap(GraphRetryAfter.parse) ?? self.backoff(attempts[request.id, default: 1]))
                } else {
                    results[request.id] = answer
                }
            }
            // A part that depends on a throttled one was answered 424; send it again with it.
            let throttledIDs = Set(throttled.map(\.id))
            let dependents = sending.filter { request in
                results[request.id]?.status == 424 && (request.dependsOn ?? []).contains(where: throttledIDs.contains)
            }
            for dependent in dependents { results[dependent.id] = nil }
            pending = throttled + dependents + pending.dropFirst(sending.count)
            if throttled.isEmpty {
                window = min(Self.maxBatchParts, window * 2)
                continue
            }
            window = max(1, sending.count - throttled.count)
            // The part's whole Retry-After (up to maxRetryAfter) goes to the shared store, so every
            // worker waits it out (invariant 7); the next round's send waits for it too.
            longest = min(longest, self.client.configuration.maxRetryAfter)
            try await self.client.throttleStore.block(self.identity, until: Date().addingTimeInterval(longest.seconds),
                                                      reason: "TooManyRequests ($batch part)", logger: self.logger)
            self.logger.info("retrying throttled $batch parts", metadata: [
                "graph.tenant": "\(self.identity.tenant)", "graph.batch_parts": "\(throttled.count)",
                "graph.batch_round": "\(round)", "graph.retry_after_ms": "\(Int64(longest.seconds * 1000))",
            ])
        }
        return requests.map { results[$0.id]! }
    }

    private func sendBatch(_ requests: [GraphBatchRequest]) async throws -> [String: GraphBatchResponse] {
        var parts: [GraphJSON] = []
        for request in requests {
            var part: JSONObject = ["id": .string(request.id), "method": .string(request.method), "url": .string(request.url)]
            var headers = request.headers
            if let body = request.body {
                part["body"] = body
                if !headers.keys.contains(where: { $0.lowercased() == "content-type" }) { headers["Content-Type"] = "application/json" }
            }
            if !headers.isEmpty { part["headers"] = .object(JSONObject(headers.mapValues(GraphJSON.string))) }
            if let dependsOn = request.dependsOn { part["dependsOn"] = .array(dependsOn.map(GraphJSON.string)) }
            parts.append(.object(part))
        }
        let body = GraphJSON.object(["requests": .array(parts)]).serialized
        let allReads = requests.allSatisfy { $0.method == "GET" }
        let response = try await self.send(GraphRequest(method: "POST", path: "/$batch", headers: [("Content-Type", "application/json")],
                                                        body: body, isIdempotent: allReads))
        guard let responses = try response.json()["responses"]?.arrayValue else {
            throw GraphError(code: .invalidResponse, message: "the $batch response has no responses array", status: response.status,
                             requestID: response.requestID)
        }
        var answers: [String: GraphBatchResponse] = [:]
        for item in responses {
            guard let id = item["id"]?.stringValue, let status = item["status"]?.intValue else {
                throw GraphError(code: .invalidResponse, message: "a $batch part has no id or status", requestID: response.requestID)
            }
            var headers: [String: String] = [:]
            for (name, value) in item["headers"]?.objectValue ?? [:] {
                headers[name] = value.stringValue ?? value.intValue.map(String.init)
            }
            answers[id] = GraphBatchResponse(id: id, status: status, headers: headers, body: item["body"])
        }
        return answers
    }
}
