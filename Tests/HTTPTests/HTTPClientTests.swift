import HTTP
import Logging
import Testing

@Suite(.timeLimit(.minutes(5)))
struct HTTPClientTests {
    private static let logger = Logger(label: "holdfast.test.http-client")

    @Test func statusHeadersAndBody() async throws {
        try await TestHTTPServer.withRunning { server in
            try await withHTTPClient { client in
                let url = server.url("/status/201")
                let response = try await client.execute(HTTPRequest(url: url))
                #expect(response.status == 201)
                #expect(String(decoding: response.body, as: UTF8.self) == "status 201")
                #expect(response.headers["content-type"] == "text/plain")
                #expect(response.headers["Content-Length"] == "10")
                #expect(response.httpVersion == .http1_1)
                #expect(response.effectiveURL == url)

                let notFound = try await client.execute(HTTPRequest(url: server.url("/status/404")))
                #expect(notFound.status == 404)
                #expect(String(decoding: notFound.body, as: UTF8.self) == "status 404")
            }
        }
    }

    @Test func repeatedResponseHeadersAreKept() async throws {
        try await TestHTTPServer.withRunning { server in
            try await withHTTPClient { client in
                let response = try await client.execute(HTTPRequest(url: server.url("/repeated")))
                #expect(response.headers.values(for: "X-Repeated") == ["one", "two"])
                #expect(response.headers.values(for: "set-cookie") == ["a=1", "b=2"])
                #expect(response.headers["x-REPEATED"] == "one")
            }
        }
    }

    @Test func postBodyAndHeadersReachTheServer() async throws {
        try await TestHTTPServer.withRunning { server in
            var configuration = HTTPClient.Configuration()
            configuration.userAgent = "holdfast-tests/1"
            try await withHTTPClient(configuration) { client in
                // Over 1 MiB, where libcurl would otherwise add "Expect: 100-continue".
                let body = (0..<(1_100_000)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
                let request = HTTPRequest(
                    method: .post,
                    url: server.url("/echo"),
                    headers: ["X-Test-One": "1", "x-test-empty": "", "X-Test-Many": "a", "X-Test-Many": "b"],
                    body: body
                )
                let response = try await client.execute(request)
                #expect(response.status == 200)
                #expect(response.body == body)
                #expect(response.headers["x-echo-method"] == "POST")
                #expect(response.headers["x-test-one"] == "1")
                #expect(response.headers["x-test-empty"] == "")
                #expect(response.headers.values(for: "x-test-many") == ["a", "b"])
                // libcurl's defaults for bodies are not sent unless asked for.
                #expect(response.headers["x-echo-content-type"] == "none")
                #expect(response.headers["x-echo-expect"] == "none")
                #expect(response.headers["x-echo-user-agent"] == "holdfast-tests/1")

                let json = try await client.execute(
                    HTTPRequest(method: .post, url: server.url("/echo"), headers: ["Content-Type": "application/json"], body: Array("{}".utf8))
                )
                #expect(json.headers["x-echo-content-type"] == "application/json")
                #expect(json.body == Array("{}".utf8))
            }
        }
    }

    @Test(arguments: [HTTPMethod.put, .patch, .delete, .options, .get])
    func methodsAndOptionalBodies(method: HTTPMethod) async throws {
        try await TestHTTPServer.withRunning { server in
            try await withHTTPClient { client in
                let withBody = try await client.execute(
                    HTTPRequest(method: method, url: server.url("/echo"), body: Array("payload".utf8))
                )
                #expect(withBody.headers["x-echo-method"] == method.rawValue)
                #expect(withBody.body == Array("payload".utf8))

                let withoutBody = try await client.execute(HTTPRequest(method: method, url: server.url("/echo")))
                #expect(withoutBody.status == 200)
                #expect(withoutBody.headers["x-echo-method"] == method.rawValue)
                #expect(withoutBody.body.isEmpty)
            }
        }
    }

    @Test func headReturnsHeadersWithoutBody() async throws {
        try await TestHTTPServer.withRunning { server in
            // The size limit is for bodies received: a HEAD for a large object is fine.
            var configuration = HTTPClient.Configuration()
            configuration.maxResponseBytes = 100
            try await withHTTPClient(configuration) { client in
                let response = try await client.execute(HTTPRequest(method: .head, url: server.url("/head")))
                #expect(response.status == 200)
                #expect(response.headers["x-head"] == "yes")
                #expect(response.headers["content-length"] == "1234")
                #expect(response.body.isEmpty)
            }
        }
    }

    @Test(arguments: [false, true])
    func largeBodyArrivesByteForByte(chunked: Bool) async throws {
        try await TestHTTPServer.withRunning { server in
            try await withHTTPClient { client in
                let count = 20 * 1024 * 1024
                let response = try await client.execute(
                    HTTPRequest(url: server.url("/large?bytes=\(count)&chunked=\(chunked ? 1 : 0)"))
                )
                #expect(response.status == 200)
                #expect(response.body.count == count)
                // A Bool, so a failure does not print 20 MiB twice.
                let matches = response.body == TestPattern.bytes(0..<count)
                #expect(matches, "the body differs from the pattern the server sent")
            }
        }
    }

    @Test func hundredConcurrentRequests() async throws {
        try await TestHTTPServer.withRunning { server in
            try await withHTTPClient { client in
                try await withThrowingTaskGroup(of: (Int, HTTPResponse).self) { group in
                    for index in 0..<100 {
                        group.addTask {
                            let request = HTTPRequest(
                                method: .post,
                                url: server.url("/echo"),
                                headers: ["X-Test-Index": "\(index)"],
                                body: Array("request \(index) ".utf8) + TestPattern.bytes(0..<(index * 1000))
                            )
                            return (index, try await client.execute(request))
                        }
                    }
                    var seen = Set<Int>()
                    for try await (index, response) in group {
                        seen.insert(index)
                        #expect(response.status == 200)
                        #expect(response.headers["x-test-index"] == "\(index)")
                        #expect(response.body == Array("request \(index) ".utf8) + TestPattern.bytes(0..<(index * 1000)))
                    }
                    #expect(seen.count == 100)
                }
            }
        }
    }

    @Test func totalTimeoutFires() async throws {
        try await TestHTTPServer.withRunning { server in
            var configuration = HTTPClient.Configuration()
            configuration.totalTimeout = .milliseconds(300)
            try await withHTTPClient(configuration) { client in
                let fromConfiguration = await #expect(throws: HTTPClientError.self) {
                    try await client.execute(HTTPRequest(url: server.url("/slow?ms=30000")))
                }
                #expect(fromConfiguration?.code == .timedOut)

                // A per-request timeout overrides the configuration's.
                var patient = HTTPRequest(url: server.url("/slow?ms=50"))
                patient.timeout = .seconds(30)
                let response = try await client.execute(patient)
                #expect(response.status == 200)
            }
            try await withHTTPClient { client in
                var request = HTTPRequest(url: server.url("/slow?ms=30000"))
                request.timeout = .milliseconds(300)
                let perRequest = await #expect(throws: HTTPClientError.self) {
                    try await client.execute(request)
                }
                #expect(perRequest?.code == .timedOut)
                #expect(perRequest?.curlCode == 28)
            }
        }
    }

    @Test func closedPortIsRefusedWithAClearMessage() async throws {
        let refusing = try RefusingPort()
        try await withHTTPClient { client in
            let url = "http://127.0.0.1:\(refusing.port)/path?token=secret-value"
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: url))
            }
            #expect(error?.code == .connectionRefused)
            #expect(error?.url == "http://127.0.0.1:\(refusing.port)/path")
            #expect(error?.curlCode == 7)
            let description = error?.description ?? ""
            #expect(description.contains("could not connect"))
            #expect(description.contains("127.0.0.1"))
            #expect(!description.contains("secret-value"))
            #expect(error?.curlMessage?.isEmpty == false)
        }
    }

    @Test func unresolvableHostIsReported() async throws {
        try await withHTTPClient { client in
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "http://holdfast-test.invalid/"))
            }
            #expect(error?.code == .couldNotResolveHost)
        }
    }

    @Test(arguments: [false, true])
    func responseLargerThanTheLimitFails(chunked: Bool) async throws {
        try await TestHTTPServer.withRunning { server in
            var configuration = HTTPClient.Configuration()
            configuration.maxResponseBytes = 1024 * 1024
            try await withHTTPClient(configuration) { client in
                let tooLarge = server.url("/large?bytes=\(2 * 1024 * 1024)&chunked=\(chunked ? 1 : 0)")
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.execute(HTTPRequest(url: tooLarge))
                }
                #expect(error?.code == .responseTooLarge)
                #expect(error?.description.contains("maxResponseBytes") == true)

                // Exactly at the limit is allowed.
                let atLimit = server.url("/large?bytes=\(1024 * 1024)&chunked=\(chunked ? 1 : 0)")
                let response = try await client.execute(HTTPRequest(url: atLimit))
                let matches = response.body == TestPattern.bytes(0..<(1024 * 1024))
                #expect(matches)
            }
        }
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        try await TestHTTPServer.withRunning { server in
            try await withHTTPClient { client in
                var slow = HTTPRequest(url: server.url("/slow?ms=60000"))
                slow.timeout = .seconds(100)
                var arrivals = server.slowRequestArrivals.makeAsyncIterator()

                let inFlight = Task { try await client.execute(slow) }
                _ = await arrivals.next()
                inFlight.cancel()
                // Were the transfer not aborted, this would wait a minute and return a 200.
                await #expect(throws: CancellationError.self) { try await inFlight.value }

                // Cancelled before or while being submitted.
                let early = Task { try await client.execute(slow) }
                early.cancel()
                await #expect(throws: CancellationError.self) { try await early.value }

                // The client carries on.
                let response = try await client.execute(HTTPRequest(url: server.url("/status/200")))
                #expect(response.status == 200)
            }
        }
    }

    @Test func shutDownClientFailsInFlightAndLaterRequests() async throws {
        try await TestHTTPServer.withRunning { server in
            let client = try HTTPClient(logger: Self.logger)
            var slow = HTTPRequest(url: server.url("/slow?ms=60000"))
            slow.timeout = .seconds(100)
            var arrivals = server.slowRequestArrivals.makeAsyncIterator()

            let inFlight = Task { try await client.execute(slow) }
            _ = await arrivals.next()
            await client.shutdown()
            let inFlightError = await #expect(throws: HTTPClientError.self) { try await inFlight.value }
            #expect(inFlightError?.code == .shutDown)

            let laterError = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: server.url("/status/200")))
            }
            #expect(laterError?.code == .shutDown)
            await client.shutdown()
        }
    }

    @Test func redirectsAreFollowedOnlyWhenAsked() async throws {
        try await TestHTTPServer.withRunning { server in
            try await withHTTPClient { client in
                let notFollowed = try await client.execute(HTTPRequest(url: server.url("/redirect")))
                #expect(notFollowed.status == 302)
                #expect(notFollowed.headers["location"] == "/status/200")

                var request = HTTPRequest(url: server.url("/redirect"))
                request.redirectPolicy = .follow(maxRedirects: 3)
                let followed = try await client.execute(request)
                #expect(followed.status == 200)
                #expect(followed.effectiveURL == server.url("/status/200"))
                // Only the final response's headers are kept.
                #expect(followed.headers["x-redirect-hop"] == nil)
                #expect(followed.headers.values(for: "content-length") == ["10"])
            }
        }
    }

    @Test func invalidRequestsAreRefusedBeforeSending() async throws {
        try await withHTTPClient { client in
            let injected = await #expect(throws: HTTPClientError.self) {
                try await client.execute(
                    HTTPRequest(url: "http://127.0.0.1:1/", headers: ["X-Bad": "a\r\nInjected: yes"])
                )
            }
            #expect(injected?.code == .invalidRequest)

            let scheme = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(url: "file:///etc/passwd"))
            }
            #expect(scheme?.code == .invalidRequest)

            let headWithBody = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPRequest(method: .head, url: "http://127.0.0.1:1/", body: [1]))
            }
            #expect(headWithBody?.code == .invalidRequest)
        }
    }

    @Test func invalidConfigurationIsRefused() {
        var configuration = HTTPClient.Configuration()
        configuration.totalTimeout = .zero
        let error = #expect(throws: HTTPClientError.self) {
            _ = try HTTPClient(configuration: configuration, logger: Self.logger)
        }
        #expect(error?.code == .invalidRequest)
    }
}

@Suite(.timeLimit(.minutes(5)))
struct HTTPClientTLSTests {
    @Test func http2OverTLSWithConfiguredCABundle() async throws {
        try await TestHTTPServer.withRunning(tls: true) { server in
            try await TestCertificate.withCABundleFile { caBundlePath in
                var configuration = HTTPClient.Configuration()
                configuration.caBundlePath = caBundlePath
                configuration.maxConnectionsPerHost = 1
                try await withHTTPClient(configuration) { client in
                    let response = try await client.execute(HTTPRequest(url: server.url("/status/200")))
                    #expect(response.status == 200)
                    #expect(response.httpVersion == .http2)
                    #expect(String(decoding: response.body, as: UTF8.self) == "status 200")

                    // One connection at most: ten requests can only be inside the server together
                    // as streams multiplexed on it.
                    try await withThrowingTaskGroup(of: HTTPResponse.self) { group in
                        for _ in 0..<10 {
                            group.addTask {
                                var request = HTTPRequest(url: server.url("/together?n=10"))
                                request.timeout = .seconds(30)
                                return try await client.execute(request)
                            }
                        }
                        for try await response in group {
                            #expect(response.httpVersion == .http2)
                            #expect(String(decoding: response.body, as: UTF8.self) == "10")
                        }
                    }
                }
            }
        }
    }

    @Test func untrustedCertificateFailsVerification() async throws {
        try await TestHTTPServer.withRunning(tls: true) { server in
            try await withHTTPClient { client in
                let error = await #expect(throws: HTTPClientError.self) {
                    try await client.execute(HTTPRequest(url: server.url("/status/200")))
                }
                #expect(error?.code == .tlsFailure)
            }
        }
    }

    @Test func verificationCanBeSkippedForTests() async throws {
        try await TestHTTPServer.withRunning(tls: true) { server in
            var configuration = HTTPClient.Configuration()
            configuration.insecureSkipTLSVerification = true
            try await withHTTPClient(configuration) { client in
                let response = try await client.execute(HTTPRequest(url: server.url("/status/200")))
                #expect(response.status == 200)
                #expect(response.httpVersion == .http2)
            }
        }
    }
}
