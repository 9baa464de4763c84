import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// One request as a ``StubUpstream`` received it.
public struct StubRequest: Sendable {
    public var method: String
    /// Path and query, as sent (`/v1.0/users?$skiptoken=x`).
    public var target: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: [UInt8]

    public var authorization: String? { self.headers["authorization"] }
    public var path: String { String(self.target.prefix { $0 != "?" }) }
}

/// What a ``StubUpstream`` answers.
public struct StubResponse: Sendable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int = 200, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON body (`Content-Type: application/json`).
    public static func json(_ text: String, status: Int = 200, headers: [(name: String, value: String)] = []) -> StubResponse {
        StubResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
    }

    /// A bearer token, as Entra's token endpoint sends it.
    public static func token(_ value: String = "stub-access-token", expiresIn: String = "3600") -> StubResponse {
        .json(#"{"token_type":"Bearer","access_token":"\#(value)","expires_in":\#(expiresIn)}"#)
    }
}

/// A scripted HTTP server on a loopback address with an ephemeral port, for tests that need an
/// upstream to answer exactly as they say (hostile Graph responses, foreign hosts a token must never
/// reach). It records every request it receives.
public final class StubUpstream: Sendable {
    /// `http://HOST:PORT`.
    public let baseURL: String
    public let port: Int
    private let received: NIOLockedValueBox<[StubRequest]>

    init(baseURL: String, port: Int, received: NIOLockedValueBox<[StubRequest]>) {
        self.baseURL = baseURL
        self.port = port
        self.received = received
    }

    /// Every request received so far, in arrival order.
    public var requests: [StubRequest] { self.received.withLockedValue { $0 } }

    /// Runs `body` while a stub listens on `host` (a loopback address); `respond` answers each
    /// request. The server stops when `body` returns.
    public static func withRunning<Result: Sendable>(
        host: String = "127.0.0.1",
        respond: @escaping @Sendable (StubRequest) async -> StubResponse,
        _ body: (StubUpstream) async throws -> Result
    ) async throws -> Result {
        let received = NIOLockedValueBox<[StubRequest]>([])
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "holdfast.test.stub-upstream")
        logger.logLevel = .critical
        let app = Application(
            responder: StubResponder(received: received, respond: respond),
            configuration: .init(address: .hostname(host, port: 0), serverName: nil),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port { portContinuation.yield(port) }
                portContinuation.finish()
            },
            logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // If the server fails to start, the wait for its port below ends too.
                defer { portContinuation.finish() }
                try await app.run()
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                try await group.next()
                throw StubUpstreamDidNotStart()
            }
            let authority = host.contains(":") ? "[\(host)]" : host
            return try await body(StubUpstream(baseURL: "http://\(authority):\(port)", port: port, received: received))
        }
    }

    struct StubUpstreamDidNotStart: Error {}
}

/// `HTTPTypes.HTTPField`, reached through the type Hummingbird re-exports.
private typealias Field = HTTPFields.Element

private struct StubResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let received: NIOLockedValueBox<[StubRequest]>
    let respond: @Sendable (StubRequest) async -> StubResponse

    func respond(to request: Request, context: Context) async throws -> Response {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let body = try await request.body.collect(upTo: 16 * 1024 * 1024)
        let stubRequest = StubRequest(method: request.method.rawValue, target: request.uri.description, headers: headers,
                                      body: Array(buffer: body))
        self.received.withLockedValue { $0.append(stubRequest) }
        let answer = await self.respond(stubRequest)
        var fields = HTTPFields()
        for header in answer.headers {
            if let name = Field.Name(header.name) { fields.append(Field(name: name, value: header.value)) }
        }
        if fields[.contentLength] == nil { fields[.contentLength] = String(answer.body.count) }
        return Response(status: HTTPResponse.Status(code: answer.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}
