import Foundation
import Hummingbird
import HTTPTypes
import Logging
import NIOCore
import ServiceLifecycle

/// The request context: Hummingbird's core storage plus the channel, so a fault can close the
/// connection without answering.
struct SimulatorRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }
}

/// Routes HTTP requests to Graph (`/v1.0/…`), the token endpoint (`/{tenant}/oauth2/v2.0/token`)
/// and the admin API (`/_sim/…`).
struct SimulatorResponder: HTTPResponder {
    typealias Context = SimulatorRequestContext
    let simulator: GraphSimulator

    struct ConnectionReset: Error {}

    /// A body that stops halfway: the declared length is the full body's, so the client sees a
    /// truncated response when the connection closes.
    struct TruncatedBody: Error {}

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let query = request.uri.query ?? ""
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName] = field.value
        }
        let host = request.head.authority ?? headers["host"] ?? "\(simulator.configuration.host):\(simulator.boundPort ?? 0)"
        let origin = "http://" + host
        let body = try await request.body.collect(upTo: 64 * 1024 * 1024)
        let bytes = Array(buffer: body)
        let method = request.method.rawValue

        if path == "/v1.0" || path.hasPrefix("/v1.0/") {
            let graphRequest = GraphRequest(method: method, path: String(path.dropFirst(5)), rawQuery: query,
                                            headers: headers, body: bytes, origin: origin)
            let outcome = await simulator.handleGraph(graphRequest)
            return try await deliver(outcome, context: context)
        }
        if path.hasPrefix("/_sim/") || path == "/_sim" {
            let adminRequest = GraphRequest(method: method, path: String(path.dropFirst(5)), rawQuery: query,
                                            headers: headers, body: bytes, origin: origin)
            return Self.response(await simulator.handleAdmin(adminRequest))
        }
        let segments = path.split(separator: "/").map(String.init)
        if segments.count == 4, segments[1] == "oauth2", segments[2] == "v2.0", segments[3] == "token" {
            guard method == "POST" else {
                return Self.response(GraphResponse(status: 405, headers: [("Allow", "POST")]))
            }
            let tokenRequest = GraphRequest(method: method, path: path, rawQuery: query, headers: headers, body: bytes,
                                            origin: origin)
            return Self.response(simulator.handleTokenRequest(tokenRequest, tenantSegment: GraphRequest.percentDecode(segments[0])))
        }
        let notFound = GraphError(status: 404, code: "BadRequest", message: "Invalid version or path: \(path)")
            .response(requestId: UUID().uuidString.lowercased(), clientRequestId: headers["client-request-id"], date: simulator.clock.now)
        return Self.response(notFound)
    }

    private func deliver(_ outcome: GraphOutcome, context: Context) async throws -> Response {
        if outcome.latency > 0 {
            try await Task.sleep(for: .milliseconds(Int(outcome.latency * 1000)))
        }
        switch outcome.fault {
        case .connectionReset:
            context.channel.close(promise: nil)
            throw ConnectionReset()
        case .slow(let delay):
            try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
        case .truncatedBody:
            var response = Self.response(outcome.response)
            let full = outcome.response.body
            let half = Array(full.prefix(max(1, full.count / 2)))
            response.body = ResponseBody(contentLength: full.count) { writer in
                try await writer.write(ByteBuffer(bytes: half))
                throw TruncatedBody()
            }
            return response
        default:
            break
        }
        return Self.response(outcome.response)
    }

    static func response(_ response: GraphResponse) -> Response {
        var fields = HTTPFields()
        for header in response.headers {
            if let name = HTTPField.Name(header.name) {
                fields.append(HTTPField(name: name, value: header.value))
            }
        }
        fields[.contentLength] = String(response.body.count)
        return Response(status: HTTPResponse.Status(code: response.status), headers: fields,
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

extension GraphSimulator {
    /// The port the server listens on, once it is running.
    public var boundPort: Int? {
        server.withLockedValue { $0.port }
    }

    /// `http://host:port`, once running: the login base. Graph is at `baseURL + "/v1.0"`.
    public var baseURL: String? {
        boundPort.map { "http://\(configuration.host):\($0)" }
    }

    /// `http://host:port/v1.0`, once running.
    public var graphBaseURL: String? {
        baseURL.map { $0 + "/v1.0" }
    }

    private func makeApplication() -> some ApplicationProtocol {
        var logger = self.logger
        logger[metadataKey: "service"] = "graph-sim"
        return Application(
            responder: SimulatorResponder(simulator: self),
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "graph-sim"
            ),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? self.configuration.port
                let waiters = self.server.withLockedValue { state -> [CheckedContinuation<Int, any Error>] in
                    state.port = port
                    let waiters = state.waiters
                    state.waiters = []
                    return waiters
                }
                for waiter in waiters { waiter.resume(returning: port) }
                self.logger.info("graph-sim listening", metadata: ["graph.base_url": "http://\(self.configuration.host):\(port)/v1.0"])
            },
            logger: logger
        )
    }

    /// Runs the server until cancelled or shut down gracefully (as a `Service`), then saves the
    /// state file if one is configured.
    public func run() async throws {
        defer {
            if configuration.stateFile != nil {
                do {
                    try saveState()
                } catch {
                    logger.error("graph-sim could not save its state file", metadata: ["error": "\(error)"])
                }
            }
        }
        do {
            try await makeApplication().run()
        } catch {
            let waiters = server.withLockedValue { state -> [CheckedContinuation<Int, any Error>] in
                state.failure = error
                let waiters = state.waiters
                state.waiters = []
                return waiters
            }
            for waiter in waiters { waiter.resume(throwing: error) }
            throw error
        }
    }

    /// Starts the server in the background and returns its base URL (`http://127.0.0.1:PORT`)
    /// once it accepts connections. Pair with ``stop()``.
    @discardableResult
    public func start() async throws -> String {
        let alreadyStarted = server.withLockedValue { state -> Bool in
            if state.task != nil { return true }
            state.task = Task { try await self.run() }
            return false
        }
        if alreadyStarted, let baseURL { return baseURL }
        let port = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            let immediate: Result<Int, any Error>? = server.withLockedValue { state in
                if let port = state.port { return .success(port) }
                if let failure = state.failure { return .failure(failure) }
                state.waiters.append(continuation)
                return nil
            }
            if let immediate { continuation.resume(with: immediate) }
        }
        return "http://\(configuration.host):\(port)"
    }

    /// Stops a server started with ``start()`` and waits for it to finish.
    public func stop() async {
        let task = server.withLockedValue { state -> Task<Void, any Error>? in
            let task = state.task
            state.task = nil
            state.port = nil
            return task
        }
        task?.cancel()
        _ = try? await task?.value
    }
}
