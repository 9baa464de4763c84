import Foundation
import HTTP
public import Logging
import Cryptography

/// Access tokens by client credentials (secret or certificate assertion), cached per tenant and
/// app, replaced before they expire, and fetched once however many tasks ask at the same time.
///
/// The credential is asked for (`credential` closure) only when a token must be fetched, so a
/// secret is in clear only for the length of one token request.
public actor GraphTokenProvider {
    public typealias CredentialSource = @Sendable () async throws -> GraphClientCredential

    private enum Entry {
        case ready(AccessToken)
        case fetching(Task<AccessToken, any Error>)
    }

    public nonisolated let configuration: GraphConfiguration
    private nonisolated let transport: any GraphTransport
    private nonisolated let logger: Logger
    private var entries: [GraphIdentity: Entry] = [:]
    /// Token requests sent (attempts included), for metrics and tests.
    public private(set) var tokenRequestCount = 0

    public init(configuration: GraphConfiguration, transport: any GraphTransport, logger: Logger) {
        self.configuration = configuration
        self.transport = transport
        self.logger = logger
    }

    /// A token for `identity` with at least `tokenRefreshMargin` left, from the cache or fetched.
    /// A fetch logs with the logger of the caller that started it (the provider's when nil).
    public func token(for identity: GraphIdentity, logger: Logger? = nil,
                      credential: @escaping CredentialSource) async throws -> AccessToken {
        switch self.entries[identity] {
        case .ready(let token) where token.expiresAt.timeIntervalSinceNow > self.configuration.tokenRefreshMargin.seconds:
            return token
        case .fetching(let task):
            return try await task.value
        case .ready, nil:
            break
        }
        let logger = logger ?? self.logger
        let task = Task { try await self.fetch(identity: identity, credential: credential, logger: logger) }
        self.entries[identity] = .fetching(task)
        do {
            let token = try await task.value
            if case .fetching(let current) = self.entries[identity], current == task {
                self.entries[identity] = .ready(token)
            }
            return token
        } catch {
            if case .fetching(let current) = self.entries[identity], current == task {
                self.entries[identity] = nil
            }
            throw error
        }
    }

    /// Drops the cached token (Graph answered 401 `InvalidAuthenticationToken`, or the credential
    /// was rotated).
    public func invalidate(_ identity: GraphIdentity) {
        if case .ready = self.entries[identity] { self.entries[identity] = nil }
    }

    private func countRequest() { self.tokenRequestCount += 1 }

    private func fetch(identity: GraphIdentity, credential source: CredentialSource, logger: Logger) async throws -> AccessToken {
        let endpoint = "\(self.configuration.loginBaseURL)/\(FormEncoding.escape(identity.tenant))/oauth2/v2.0/token"
        var attempt = 0
        while true {
            attempt += 1
            // Built per attempt: an assertion's jti must not repeat, and the secret is held only here.
            let credential = try await source()
            var request = HTTPRequest(method: .post, url: endpoint,
                                      headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json",
                                                "client-request-id": SecureRandom.uuid()],
                                      body: try Self.form(identity: identity, credential: credential, endpoint: endpoint,
                                                          scope: self.configuration.scope),
                                      timeout: self.configuration.requestTimeout)
            self.countRequest()
            let failure: GraphAuthenticationError
            do {
                let response = try await Self.sendWiping(&request, transport: self.transport, logger: logger)
                if response.status == 200 {
                    return try self.token(from: response, identity: identity, logger: logger)
                }
                failure = Self.error(from: response, identity: identity)
            } catch let error as GraphAuthenticationError {
                throw error
            } catch is CancellationError {
                throw CancellationError()
            } catch {
                failure = GraphAuthenticationError(code: .unavailable, message: "the token service could not be reached: \(error)",
                                                   identity: identity, underlying: error)
            }
            logger.warning("token request failed", metadata: [
                "graph.tenant": "\(identity.tenant)", "graph.client_id": "\(identity.clientID)",
                "error.code": "\(failure.code)", "graph.aadsts": "\(failure.aadstsCode.map(String.init) ?? "")",
                "graph.trace_id": "\(failure.traceID ?? "")", "attempt": "\(attempt)",
            ])
            guard failure.isTransient, attempt < self.configuration.maxAttempts else { throw failure }
            try await Task.sleep(for: Backoff.delay(attempt: attempt, initial: self.configuration.initialBackoff,
                                                    maximum: self.configuration.maxBackoff))
        }
    }

    private nonisolated func token(from response: HTTPResponse, identity: GraphIdentity, logger: Logger) throws -> AccessToken {
        struct TokenResponse: Decodable {
            var token_type: String?
            var expires_in: Double?
            var access_token: String?
        }
        guard let decoded = try? JSONDecoder().decode(TokenResponse.self, from: Data(response.body)),
              let value = decoded.access_token, !value.isEmpty, let expiresIn = decoded.expires_in,
              decoded.token_type?.lowercased() == "bearer" else {
            throw GraphAuthenticationError(code: .invalidResponse, message: "the token response is not a bearer token with expires_in",
                                           status: response.status, identity: identity)
        }
        let lifetime = Self.lifetime(expiresIn: expiresIn, refreshMargin: self.configuration.tokenRefreshMargin)
        let token = AccessToken(value: value, expiresAt: Date().addingTimeInterval(lifetime))
        logger.debug("acquired token", metadata: [
            "graph.tenant": "\(identity.tenant)", "graph.client_id": "\(identity.clientID)", "token.expires_in": "\(Int(lifetime))",
        ])
        return token
    }

    /// Sends a request whose body holds a secret, then overwrites that body in place. The request
    /// is the body's only owner here (no local copy), and the HTTP client keeps none once it has
    /// copied the bytes for libcurl (and zeroes that copy), so the wipe does not land on a copy.
    static func sendWiping(_ request: inout HTTPRequest, transport: any GraphTransport, logger: Logger) async throws -> HTTPResponse {
        defer { request.body?.cleanse() }
        return try await transport.execute(request, logger: logger)
    }

    /// Longest lifetime believed: Entra issues tokens for 1 to 24 hours.
    static let maximumLifetime: TimeInterval = 86_400

    /// `expires_in` cut to a sane range. Below the refresh margin a token would be fetched again for
    /// every request; a token that really is shorter-lived gets a 401, which drops it once.
    static func lifetime(expiresIn: Double, refreshMargin: Duration) -> TimeInterval {
        let minimum = refreshMargin.seconds + 60
        guard !expiresIn.isNaN else { return minimum }
        return min(max(expiresIn, minimum), Self.maximumLifetime)
    }

    static func form(identity: GraphIdentity, credential: GraphClientCredential, endpoint: String, scope: String) throws -> [UInt8] {
        let common: [(name: String, valueBytes: Int)] = [("client_id", identity.clientID.utf8.count), ("scope", scope.utf8.count),
                                                         ("grant_type", 18)]
        switch credential {
        case .clientSecret(let secret):
            var form = FormEncoding(capacity: FormEncoding.capacity(common + [("client_secret", secret.count)]))
            Self.appendCommon(&form, identity: identity, scope: scope)
            secret.withUnsafeBytes { form.append("client_secret", bytes: $0) }
            return form.take()
        case .certificate(let privateKey, let certificate, let signature):
            let assertion = try ClientAssertion.make(tokenEndpoint: endpoint, clientID: identity.clientID, privateKey: privateKey,
                                                     certificate: certificate, signature: signature)
            let type = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
            var form = FormEncoding(capacity: FormEncoding.capacity(common + [("client_assertion_type", type.utf8.count),
                                                                              ("client_assertion", assertion.utf8.count)]))
            Self.appendCommon(&form, identity: identity, scope: scope)
            form.append("client_assertion_type", type)
            form.append("client_assertion", assertion)
            return form.take()
        }
    }

    private static func appendCommon(_ form: inout FormEncoding, identity: GraphIdentity, scope: String) {
        form.append("client_id", identity.clientID)
        form.append("scope", scope)
        form.append("grant_type", "client_credentials")
    }

    static func error(from response: HTTPResponse, identity: GraphIdentity) -> GraphAuthenticationError {
        struct ErrorResponse: Decodable {
            var error: String?
            var error_description: String?
            var error_codes: [Int]?
            var trace_id: String?
            var correlation_id: String?
        }
        let decoded = try? JSONDecoder().decode(ErrorResponse.self, from: Data(response.body))
        let aadsts = decoded?.error_codes?.first
        let firstLine = decoded?.error_description?.split(whereSeparator: \.isNewline).first.map(String.init)
        return GraphAuthenticationError(
            code: .classify(aadsts: aadsts, oauthError: decoded?.error, status: response.status),
            aadstsCode: aadsts, oauthError: decoded?.error,
            message: firstLine ?? "the token service answered HTTP \(response.status)",
            status: response.status, traceID: decoded?.trace_id, correlationID: decoded?.correlation_id, identity: identity)
    }
}

extension Duration {
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
