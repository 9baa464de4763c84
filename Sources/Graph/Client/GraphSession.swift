import Foundation
public import JSON
import HTTP
import Cryptography
public import Logging

/// Graph requests of one tenant and app, with tokens, throttling and retries handled.
///
/// Before each attempt: wait out the tenant's recorded `Retry-After` (shared through the throttle
/// store by every worker), then take the request's resource units from the pacer. A 429 records its
/// `Retry-After` in the store and is retried after it; a 429 or 503 without one backs off
/// exponentially with jitter (conditional access sends none). Network errors, 503/504 and other
/// 5xx are retried only for idempotent requests. Every request carries a fresh `client-request-id`.
public struct GraphSession: Sendable {
    public let client: GraphClient
    public let identity: GraphIdentity
    let credential: GraphTokenProvider.CredentialSource
    /// Requests also draw from the client's app-wide budget (the shared multi-tenant app).
    public let sharesAppBudget: Bool
    /// The logger of whoever the requests are made for. Its metadata (`job.id`, `tenant.id` as
    /// Holdfast's id, `request.id`) is on every line; the Entra directory is `graph.tenant`.
    public let logger: Logger

    init(client: GraphClient, identity: GraphIdentity, sharesAppBudget: Bool, logger: Logger,
         credential: @escaping GraphTokenProvider.CredentialSource) {
        self.client = client
        self.identity = identity
        self.sharesAppBudget = sharesAppBudget
        self.logger = logger
        self.credential = credential
    }

    /// The same session, logging to `logger` (for a caller whose lines carry other metadata).
    public func logging(to logger: Logger) -> GraphSession {
        GraphSession(client: self.client, identity: self.identity, sharesAppBudget: self.sharesAppBudget, logger: logger,
                     credential: self.credential)
    }

    /// A token for this tenant and app, cached or fetched (for a permission probe; never log it).
    public func accessToken() async throws -> AccessToken {
        try await self.client.tokens.token(for: self.identity, logger: self.logger, credential: self.credential)
    }

    private var configuration: GraphConfiguration { self.client.configuration }

    /// Sends `request` and returns its 2xx response; throws `GraphError` (or
    /// `GraphAuthenticationError` when no token can be had).
    public func send(_ request: GraphRequest) async throws -> GraphResponse {
        let url = try self.url(for: request.path)
        let relativePath = self.relativePath(of: url)
        let cost = ResourceUnitPacer.estimatedCost(method: request.method, path: relativePath)
        let conditionalAccess = ResourceUnitPacer.isConditionalAccess(path: relativePath)
        var attempt = 0
        var refreshedToken = false
        // After a 503 or a network failure the next attempt opens a new connection (Graph's
        // best practices: the old one may lead to the failing front end).
        var freshConnection = false
        while true {
            attempt += 1
            try await self.waitWhileBlocked()
            try await self.client.pacer.acquire(cost, for: self.identity)
            if conditionalAccess { try await self.client.pacer.acquireConditionalAccess(for: self.identity) }
            if self.sharesAppBudget, let budget = self.client.appBudget {
                let wait = try await budget.reserve(units: cost, clientID: self.identity.clientID)
                if wait > .zero { try await Task.sleep(for: wait) }
            }
            let token = try await self.client.tokens.token(for: self.identity, logger: self.logger, credential: self.credential)
            let clientRequestID = SecureRandom.uuid()
            var headers = HTTPHeaders(request.headers)
            headers.replaceOrAdd(name: "Authorization", value: "Bearer \(token.value)")
            headers.replaceOrAdd(name: "client-request-id", value: clientRequestID)
            if !headers.contains("Accept") { headers.add(name: "Accept", value: "application/json") }
            var httpRequest = HTTPRequest(method: HTTPMethod(rawValue: request.method), url: url, headers: headers, body: request.body,
                                          timeout: self.configuration.requestTimeout)
            httpRequest.freshConnection = freshConnection
            httpRequest.maxResponseBytes = self.configuration.maxResponseBytes
            freshConnection = false
            var metadata: Logger.Metadata = [
                "graph.tenant": "\(self.identity.tenant)", "graph.client_id": "\(self.identity.clientID)",
                "graph.client_request_id": "\(clientRequestID)", "graph.method": "\(request.method)", "attempt": "\(attempt)",
            ]

            let response: HTTPResponse
            do {
                response = try await self.client.transport.execute(httpRequest, logger: self.logger)
            } catch is CancellationError {
                throw CancellationError()
            } catch let error as HTTPClientError where error.code == .responseTooLarge {
                // The same request would get the same answer: not retried.
                throw GraphError(code: .responseTooLarge, message:
                    "Graph's response is larger than \(self.configuration.maxResponseBytes) bytes (after decompression); refused",
                                 clientRequestID: clientRequestID, underlying: error)
            } catch {
                let failure = GraphError(code: .transport, message: "no response from Graph: \(error)", clientRequestID: clientRequestID,
                                         underlying: error)
                guard request.isIdempotent, attempt < self.configuration.maxAttempts else { throw failure }
                self.logger.warning("Graph request failed, retrying", metadata: metadata.merging(["error": "\(error)"]) { $1 })
                freshConnection = true
                try await Task.sleep(for: self.backoff(attempt))
                continue
            }

            let headersByName = Self.lowercasedHeaders(response.headers)
            metadata["graph.request_id"] = "\(headersByName["request-id"] ?? "")"
            metadata["http.status_code"] = "\(response.status)"
            self.client.pacer.record(estimated: cost, charged: headersByName["x-ms-resource-unit"].flatMap(Int.init),
                                     limitPercentage: headersByName["x-ms-throttle-limit-percentage"].flatMap(Double.init),
                                     for: self.identity)
            GraphMetrics.response(status: response.status, sizeClass: self.client.pacer.sizeClass(for: self.identity))
            if (200..<300).contains(response.status) {
                self.logger.trace("Graph request", metadata: metadata)
                return GraphResponse(status: response.status, headers: headersByName, body: response.body)
            }

            let error = GraphError.parse(status: response.status, body: response.body, headers: headersByName,
                                         clientRequestID: clientRequestID)
            metadata["graph.error_code"] = "\(error.code)"
            let retryable: Bool
            var delay: Duration
            switch response.status {
            case 401 where error.code == .invalidAuthenticationToken && !refreshedToken:
                // The token expired or was revoked under us: fetch a new one once.
                refreshedToken = true
                await self.client.tokens.invalidate(self.identity)
                attempt -= 1
                continue
            case 429:
                // A throttled request was not executed, so resending it is safe even for writes.
                retryable = true
                // Clamped before it is stored: every worker honours it (invariant 7), so a huge
                // value must not block the tenant for longer than maxRetryAfter.
                delay = min(error.retryAfter ?? self.backoff(attempt), self.configuration.maxRetryAfter)
                let until = Date().addingTimeInterval(delay.seconds)
                try await self.client.throttleStore.block(self.identity, until: until, reason: error.code.rawValue, logger: self.logger)
                metadata["graph.retry_after_ms"] = "\(Int64(delay.seconds * 1000))"
            case 503, 504:
                retryable = request.isIdempotent
                delay = error.retryAfter ?? self.backoff(attempt)
                freshConnection = true
            case 500...599:
                retryable = request.isIdempotent
                delay = self.backoff(attempt)
                freshConnection = true
            default:
                retryable = false
                delay = .zero
            }
            delay = min(delay, self.configuration.maxBackoff)
            guard retryable, attempt < self.configuration.maxAttempts else {
                self.logger.debug("Graph request failed", metadata: metadata)
                throw error
            }
            self.logger.info("Graph request throttled or failed, retrying", metadata: metadata)
            try await Task.sleep(for: delay)
        }
    }

    /// GET `path` as JSON.
    public func get(_ path: String, headers: [(name: String, value: String)] = []) async throws -> GraphJSON {
        try await self.send(.get(path, headers: headers)).json()
    }

    /// The pages of a collection, following `@odata.nextLink` until there is none. `headers`
    /// (e.g. `ConsistencyLevel: eventual`) are sent on every page, since Graph does not carry them.
    public func pages(_ path: String, headers: [(name: String, value: String)] = []) -> GraphPages {
        GraphPages(session: self, firstPath: path, headers: headers)
    }

    /// `GET {collection}/$count` with `ConsistencyLevel: eventual` (an advanced query).
    public func count(_ collection: String, filter: String? = nil) async throws -> Int {
        var path = collection + "/$count"
        if let filter { path += "?$filter=" + Self.escapeQueryValue(filter) }
        let response = try await self.send(.get(path, headers: [("ConsistencyLevel", "eventual"), ("Accept", "text/plain")]))
        let text = String(decoding: response.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let count = Int(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text) else {
            throw GraphError(code: .invalidResponse, message: "$count did not return a number", status: response.status,
                             requestID: response.requestID)
        }
        return count
    }

    /// Waits while the throttle store says this tenant and app are blocked, at most
    /// `maxRetryAfter` in all: a block recorded further out (by an older version, or written into
    /// the shared store by someone else) cannot stall the tenant's work indefinitely.
    func waitWhileBlocked() async throws {
        let deadline = Date().addingTimeInterval(self.configuration.maxRetryAfter.seconds)
        while let blockedUntil = try await self.client.throttleStore.blockedUntil(self.identity, logger: self.logger) {
            let until = min(blockedUntil, deadline)
            let remaining = until.timeIntervalSinceNow
            guard remaining > 0 else { return }
            self.logger.debug("waiting out a recorded Retry-After", metadata: [
                "graph.tenant": "\(self.identity.tenant)", "graph.client_id": "\(self.identity.clientID)",
                "graph.wait_ms": "\(Int(remaining * 1000))",
            ])
            try await Task.sleep(for: .milliseconds(Int64((remaining * 1000).rounded(.up))))
        }
    }

    func backoff(_ attempt: Int) -> Duration {
        Backoff.delay(attempt: attempt, initial: self.configuration.initialBackoff, maximum: self.configuration.maxBackoff)
    }

    /// The URL to request for a path below the base or an absolute URL Graph gave; a URL on any
    /// other scheme, host or port throws `untrustedURL` (the token goes only to Graph).
    func url(for path: String) throws -> String {
        try GraphEndpoint(baseURL: self.configuration.graphBaseURL).url(for: path)
    }

    /// Throws `untrustedURL` unless `link` (a delta or restart link about to be kept) names the
    /// configured Graph endpoint, so a hostile link is refused when it arrives, not when reused.
    public func checkLink(_ link: String) throws {
        _ = try self.url(for: link)
    }

    /// The part of `url` below the base URL (for cost estimates and logs).
    func relativePath(of url: String) -> String {
        let base = self.configuration.graphBaseURL
        if url.hasPrefix(base) { return String(url.dropFirst(base.count)) }
        return url
    }

    static func lowercasedHeaders(_ headers: HTTPHeaders) -> [String: String] {
        var result: [String: String] = [:]
        for field in headers { result[field.name.lowercased()] = field.value }
        return result
    }

    static func escapeQueryValue(_ value: String) -> String {
        FormEncoding.escape(value)
    }
}
