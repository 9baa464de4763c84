import HTTP
import Testing

/// `HTTPRequest.freshConnection` makes libcurl open a new connection and not keep it, which a retry
/// after a 503 or a network error needs (Graph's best practices).
@Suite(.timeLimit(.minutes(5)))
struct FreshConnectionTests {
    @Test func aFreshConnectionRequestOpensANewConnectionAndClosesIt() async throws {
        try await TestHTTPServer.withRunning { server in
            try await withHTTPClient { client in
                let url = server.url("/status/200")
                let first = try await client.execute(HTTPRequest(url: url))
                #expect(first.newConnections == 1)
                let reused = try await client.execute(HTTPRequest(url: url))
                #expect(reused.newConnections == 0)
                var fresh = HTTPRequest(url: url)
                fresh.freshConnection = true
                let retried = try await client.execute(fresh)
                #expect(retried.status == 200 && retried.newConnections == 1)
                // FORBID_REUSE closed that one; the pooled connection from before is still there.
                let after = try await client.execute(HTTPRequest(url: url))
                #expect(after.newConnections == 0)
            }
        }
    }
}
