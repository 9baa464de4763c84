import Hummingbird
import HummingbirdHTTP2
import Logging
import NIOConcurrencyHelpers

/// `HTTPTypes.HTTPField`, reached through the type Hummingbird re-exports.
private typealias Field = HTTPFields.Element

/// A Hummingbird server on 127.0.0.1 with an ephemeral port, serving the routes the HTTP client
/// tests need. This file alone imports Hummingbird, whose `HTTPRequest`/`HTTPResponse` would
/// clash with the client's.
struct TestHTTPServer: Sendable {
    /// `http://127.0.0.1:PORT`, or `https://…` when serving TLS.
    let baseURL: String
    /// One element each time a `/slow` request reaches the server.
    let slowRequestArrivals: AsyncStream<Void>

    func url(_ pathAndQuery: String) -> String {
        self.baseURL + pathAndQuery
    }

    /// Runs `body` while a server runs in a child task; the server is cancelled when `body` ends.
    /// With `tls`, the server speaks TLS with ``TestCertificate`` and offers HTTP/2 and
    /// HTTP/1.1 through ALPN.
    static func withRunning<Result: Sendable>(
        tls: Bool = false,
        _ body: @Sendable (TestHTTPServer) async throws -> Result
    ) async throws -> Result {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let (arrivals, arrivalContinuation) = AsyncStream.makeStream(of: Void.self)
        var logger = Logger(label: "holdfast.test.http-server")
        // Cancelling the server at the end of a test makes Hummingbird log errors about its
        // connections; they say nothing about the client under test.
        logger.logLevel = .critical
        let tlsConfiguration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(TestCertificate.certificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(TestCertificate.privateKeyPEM.utf8), format: .pem))
        )
        let app = Application(
            router: Self.makeRouter(slowRequestArrived: arrivalContinuation),
            server: tls ? try .http2Upgrade(tlsConfiguration: tlsConfiguration) : .http1(),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
            onServerRunning: { channel in
                if let port = channel.localAddress?.port {
                    portContinuation.yield(port)
                }
                portContinuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                // If the server fails to start, the wait for its port below ends too.
                defer { portContinuation.finish() }
                try await app.run()
            }
            defer { group.cancelAll() }
            var portIterator = ports.makeAsyncIterator()
            guard let port = await portIterator.next() else {
                try await group.next()
                throw TestServerDidNotStart()
            }
            let scheme = tls ? "https" : "http"
            return try await body(TestHTTPServer(baseURL: "\(scheme)://127.0.0.1:\(port)", slowRequestArrivals: arrivals))
        }
    }

    struct TestServerDidNotStart: Error {}

    private static func makeRouter(slowRequestArrived: AsyncStream<Void>.Continuation) -> Router<BasicRequestContext> {
        let router = Router()

        // 200..599 with a short text body.
        router.get("/status/:code") { _, context in
            let code = try context.parameters.require("code", as: Int.self)
            return Response(
                status: .init(code: code),
                headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: "status \(code)"))
            )
        }

        // Returns the request body, the method, the Content-Type and User-Agent it got, and every
        // `x-test-*` header, so the client's side of the exchange can be checked.
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete, .options] {
            router.on("/echo", method: method) { request, _ in
                var request = request
                let body = try await request.collectBody(upTo: 64 * 1024 * 1024)
                var headers: HTTPFields = [:]
                headers[Field.Name("x-echo-method")!] = request.method.rawValue
                headers[Field.Name("x-echo-content-type")!] = request.headers[.contentType] ?? "none"
                headers[Field.Name("x-echo-user-agent")!] = request.headers[.userAgent] ?? "none"
                headers[Field.Name("x-echo-expect")!] = request.headers[.expect] ?? "none"
                for field in request.headers where field.name.canonicalName.hasPrefix("x-test-") {
                    headers.append(field)
                }
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
            }
        }

        // `bytes` bytes of TestPattern; `chunked=1` streams them without a Content-Length.
        router.get("/large") { request, _ in
            let count = request.uri.queryParameters["bytes"].flatMap { Int($0) } ?? 0
            let chunked = request.uri.queryParameters["chunked"] == "1"
            if !chunked {
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: TestPattern.bytes(0..<count))))
            }
            return Response(
                status: .ok,
                body: ResponseBody { writer in
                    let chunkSize = 64 * 1024
                    for start in stride(from: 0, to: count, by: chunkSize) {
                        let end = min(start + chunkSize, count)
                        try await writer.write(ByteBuffer(bytes: TestPattern.bytes(start..<end)))
                    }
                    try await writer.finish(nil)
                }
            )
        }

        // Answers after `ms` milliseconds (unless the server is stopped first).
        router.get("/slow") { request, _ in
            let milliseconds = request.uri.queryParameters["ms"].flatMap { Int($0) } ?? 60_000
            slowRequestArrived.yield()
            try await Task.sleep(for: .milliseconds(milliseconds))
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "slow")))
        }

        // Headers that appear more than once.
        router.get("/repeated") { _, _ in
            var headers: HTTPFields = [:]
            headers.append(Field(name: Field.Name("x-repeated")!, value: "one"))
            headers.append(Field(name: Field.Name("x-repeated")!, value: "two"))
            headers.append(Field(name: .setCookie, value: "a=1"))
            headers.append(Field(name: .setCookie, value: "b=2"))
            return Response(status: .ok, headers: headers)
        }

        // A redirect with a header of its own, which must not leak into the followed response.
        router.get("/redirect") { _, _ in
            Response(
                status: .found,
                headers: [.location: "/status/200", Field.Name("x-redirect-hop")!: "yes"]
            )
        }

        // Waits until `n` requests are inside this route at once (or 10 s pass), then answers
        // with how many it saw: over one connection, all `n` only meet if they are multiplexed.
        let inside = ConcurrencyCounter()
        router.get("/together") { request, _ in
            let expected = request.uri.queryParameters["n"].flatMap { Int($0) } ?? 1
            inside.enter()
            defer { inside.leave() }
            let deadline = ContinuousClock.now + .seconds(10)
            while inside.highWater < expected, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            }
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "\(inside.highWater)")))
        }

        router.head("/head") { _, _ in
            Response(status: .ok, headers: [.contentLength: "1234", Field.Name("x-head")!: "yes"])
        }

        return router
    }
}

/// How many requests are inside a route now, and the most there have been at once.
private final class ConcurrencyCounter: Sendable {
    private let state = NIOLockedValueBox((current: 0, highWater: 0))

    func enter() {
        self.state.withLockedValue { state in
            state.current += 1
            state.highWater = max(state.highWater, state.current)
        }
    }

    func leave() {
        self.state.withLockedValue { $0.current -= 1 }
    }

    var highWater: Int {
        self.state.withLockedValue { $0.highWater }
    }
}
